//! Guards followed through getters whose result borrows from `&self` without being a plain
//! reference: an `impl Iterator + '_`, a slice iterator, a `Ref`. What they yield still points
//! into the guarded value, so a copy made from it is made under the lock.

use std::cell::{Ref, RefCell};
use std::sync::Mutex;

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
}

impl Store {
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

    // ---- look-alikes that must stay silent ----

    /// The getter's result owns its items: a copy of it copies nothing of the table.
    pub fn ids(&self) -> (std::vec::IntoIter<u64>, std::vec::IntoIter<u64>) {
        let table = self.table.lock().unwrap();
        let ids = table.ids();
        (ids.clone(), ids)
    }
}
