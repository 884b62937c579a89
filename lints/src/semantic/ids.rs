//! The model's ids: each kind of thing the model numbers has its own index type, so a region's
//! number cannot index the functions, nor a file's number a spawn. Each is a `u32` inside, and
//! the tables they index are `IndexVec`s of that id.

index_vec::define_index_type! {
    /// A function or method of the crate: an index into the type table's signatures.
    pub(crate) struct FnId = u32;
    DEBUG_FORMAT = "fn#{}";
}

index_vec::define_index_type! {
    /// A hot region (a loop body or a closure handed to an iterator adapter) of the crate's
    /// body output.
    pub(crate) struct RegionId = u32;
    DEBUG_FORMAT = "region#{}";
}

index_vec::define_index_type! {
    /// A place that starts a thread or a task, in the crate's body output.
    pub(crate) struct SpawnId = u32;
    DEBUG_FORMAT = "spawn#{}";
}

index_vec::define_index_type! {
    /// A guard of a lock, numbered in the order the walk of one file takes it.
    pub(crate) struct GuardId = u32;
    DEBUG_FORMAT = "guard#{}";
}

#[cfg(test)]
mod tests {
    use super::*;
    use index_vec::IndexVec;

    #[test]
    fn ids_index_their_own_tables_and_survive_the_cache() {
        let mut regions: IndexVec<RegionId, &str> = IndexVec::new();
        let outer = regions.push("outer");
        let inner = regions.push("inner");
        assert_eq!((outer.index(), inner.index()), (0, 1));
        assert_eq!(regions[inner], "inner");
        let bytes = postcard::to_stdvec(&inner).unwrap();
        assert_eq!(postcard::from_bytes::<RegionId>(&bytes).unwrap(), inner);
        assert_eq!(format!("{:?}", FnId::new(3)), "fn#3");
    }
}
