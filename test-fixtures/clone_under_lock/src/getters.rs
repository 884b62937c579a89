//! Guards followed through getters whose result borrows from `&self` without being a plain
//! reference: an `impl Iterator + '_`, a slice iterator, a `Ref`. What they yield still points
//! into the guarded value, so a copy made from it is made under the lock.

use std::cell::{Ref, RefCell};
use std::sync::{LockResult, Mutex, MutexGuard};

pub struct Row {
    pub body: Vec<u8>,
    pub id: u64,
}

pub struct Table {
    rows: Vec<Row>,
    notes: RefCell<Vec<String>>,
}

impl Table {
    pub fn rows(&self) -> impl Iterator<Item = &Row> + '_ {
        self.rows.iter()
    }

    pub fn row_iter(&self) -> std::slice::Iter<'_, Row> {
        self.rows.iter()
    }

    pub fn notes(&self) -> Ref<'_, Vec<String>> {
        self.notes.borrow()
    }

    /// Owned ids: nothing of the table is borrowed.
    pub fn ids(&self) -> std::vec::IntoIter<u64> {
        self.rows.iter().map(|r| r.id).collect::<Vec<_>>().into_iter()
    }
}

pub struct Store {
    table: Mutex<Table>,
    slots: Mutex<Vec<Option<Row>>>,
    name: String,
}

/// The first row of a table: the result borrows the table it is given (elided lifetime).
fn first_row(table: &Table) -> Option<&Row> {
    table.rows.first()
}

impl Store {
    /// A helper that takes the lock and returns its guard.
    fn locked(&self) -> LockResult<MutexGuard<'_, Table>> {
        self.table.lock()
    }

    /// The guard the helper returns is held like one taken here.
    pub fn body_of(&self, id: u64) -> Option<Vec<u8>> {
        let table = self.locked().unwrap();
        let row = table.rows.iter().find(|r| r.id == id)?;
        Some(row.body.clone()) //~ clone_under_lock
    }

    /// Look-alike: the guard from the helper is dropped before the copy.
    pub fn body_after(&self, id: u64) -> Option<Vec<u8>> {
        let table = self.locked().unwrap();
        let index = table.rows.iter().position(|r| r.id == id)?;
        drop(table);
        let copy = vec![0u8; index];
        Some(copy.clone())
    }

    pub fn first_body(&self) -> Option<Vec<u8>> {
        let table = self.table.lock().unwrap();
        let mut rows = table.rows();
        let first = rows.next()?;
        Some(first.body.clone()) //~ clone_under_lock
    }

    pub fn last_body(&self) -> Option<Vec<u8>> {
        let table = self.table.lock().unwrap();
        let rows = table.row_iter();
        let last = rows.last()?;
        Some(last.body.clone()) //~ clone_under_lock
    }

    pub fn notes(&self) -> Vec<String> {
        let table = self.table.lock().unwrap();
        let notes = table.notes();
        notes.clone() //~ clone_under_lock
    }

    /// A helper's result tied to the slots it is handed, not to `self`: a copy of it copies
    /// the guarded row.
    fn slot<'a>(&self, slots: &'a mut [Option<Row>], at: usize) -> Option<&'a mut Row> {
        slots.get_mut(at)?.as_mut()
    }

    /// A helper's result tied to `self`, not to the guard it is given.
    fn label<'a>(&'a self, _slots: &[Option<Row>]) -> &'a str {
        &self.name
    }

    pub fn slot_body(&self, at: usize) -> Option<Vec<u8>> {
        let mut slots = self.slots.lock().unwrap();
        let row = self.slot(&mut slots, at)?;
        Some(row.body.clone()) //~ clone_under_lock
    }

    pub fn first_row_body(&self) -> Option<Vec<u8>> {
        let table = self.table.lock().unwrap();
        let row = first_row(&table)?;
        Some(row.body.clone()) //~ clone_under_lock
    }

    // ---- look-alikes that must stay silent ----

    /// The helper returns `self`'s name: nothing guarded is copied.
    pub fn label_under_lock(&self) -> String {
        let slots = self.slots.lock().unwrap();
        let label = self.label(&slots);
        label.to_string()
    }

    /// The row's body copied after the guard is gone: the fixed shape.
    pub fn first_row_id(&self) -> Option<u64> {
        let table = self.table.lock().unwrap();
        let id = first_row(&table)?.id;
        drop(table);
        Some(id)
    }

    /// The getter's result owns its items: a copy of it copies nothing of the table.
    pub fn ids(&self) -> (std::vec::IntoIter<u64>, std::vec::IntoIter<u64>) {
        let table = self.table.lock().unwrap();
        let ids = table.ids();
        (ids.clone(), ids)
    }
}
