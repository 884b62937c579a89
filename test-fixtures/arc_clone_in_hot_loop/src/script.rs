//! Hot through callers: a script runner whose `vm()` clones two `Arc` fields and is called once
//! per iteration from every worker.

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

    fn run(&self) -> usize {
        self.context.len() + self.unit.code.len()
    }
}

pub struct Script {
    context: Arc<String>,
    unit: Arc<Unit>,
}

impl Script {
    fn vm(&self) -> Vm {
        Vm::new(self.context.clone(), self.unit.clone()) //~ arc_clone_in_hot_loop, arc_clone_in_hot_loop
    }

    /// Called by every worker thread in its loop.
    pub fn worker(&self, iterations: usize) -> usize {
        let mut total = 0;
        for _ in 0..iterations {
            total += self.vm().run();
        }
        total
    }

    /// Not hot: called once.
    pub fn context(&self) -> Arc<String> {
        self.context.clone()
    }
}
