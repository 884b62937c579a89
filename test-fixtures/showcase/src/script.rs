//! A script runner: every worker thread builds a `Vm` per iteration, and `vm()` clones the two
//! shared `Arc`s each time.

use std::sync::Arc;

pub struct Unit {
    pub code: Vec<u8>,
}

pub struct Vm {
    context: Arc<String>,
    unit: Arc<Unit>,
}

impl Vm {
    fn new(context: Arc<String>, unit: Arc<Unit>) -> Vm {
        Vm { context, unit }
    }

    fn step(&self) -> usize {
        self.context.len() + self.unit.code.len()
    }
}

pub struct Runtime {
    context: Arc<String>,
    unit: Arc<Unit>,
}

impl Runtime {
    fn vm(&self) -> Vm {
        Vm::new(self.context.clone(), self.unit.clone()) //~ arc_clone_in_hot_loop, arc_clone_in_hot_loop
    }

    pub fn worker(&self, iterations: usize) -> usize {
        let mut total = 0;
        for _ in 0..iterations {
            total += self.vm().step();
        }
        total
    }
}
