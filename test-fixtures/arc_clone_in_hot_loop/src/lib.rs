//! `Arc` clones in code that runs many times, and look-alikes that must stay silent.

use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::thread;

mod owners;
mod paths;
mod script;

pub struct Context {
    pub name: String,
}

/// A clone per item of a loop.
pub fn per_item(shared: &Arc<Context>, jobs: &[u32]) -> usize {
    let mut total = 0;
    for job in jobs {
        let ctx = Arc::clone(shared); //~ arc_clone_in_hot_loop
        total += ctx.name.len() + *job as usize;
    }
    total
}

/// `.clone()` on a field typed `Arc`, in a `while` loop.
pub struct Service {
    ctx: Arc<Context>,
}

impl Service {
    pub fn serve(&self, mut n: u32) {
        while n > 0 {
            let ctx = self.ctx.clone(); //~ arc_clone_in_hot_loop
            drop(ctx);
            n -= 1;
        }
    }
}

/// A closure handed to an iterator adapter runs once per item.
pub fn adapter(shared: Arc<Context>, n: usize) -> usize {
    (0..n).map(|_| Arc::clone(&shared).name.len()).sum() //~ arc_clone_in_hot_loop
}

/// Built into values the loop drops: every clone is dropped in the same pass.
pub fn summed(live: &Arc<Mutex<u64>>, ids: &[u64]) -> u64 {
    ids.iter()
        .map(|&id| Tracked::new(id, Arc::clone(live)).0) //~ arc_clone_in_hot_loop
        .sum()
}

/// A thousand threads, each spawned in the loop to add one. Each clone is its thread's
/// ownership; what runs many times here is the spawn, `thread_spawn_per_task`'s finding.
pub fn thousand_threads() {
    let counter = Arc::new(Mutex::new(0u64)); //~ mutex_scalar
    let mut handles = Vec::new();
    for _ in 0..1000 {
        let c = Arc::clone(&counter);
        handles.push(thread::spawn(move || { //~ thread_spawn_per_task
            *c.lock().unwrap() += 1;
        }));
    }
    for h in handles {
        h.join().unwrap();
    }
}

/// A tracked value made around a clone and dropped by the call it is handed to.
pub struct Tracked(u64, Arc<Mutex<u64>>);

impl Tracked {
    fn new(id: u64, live: Arc<Mutex<u64>>) -> Tracked {
        Tracked(id, live)
    }
}

fn weigh(tracked: Tracked) -> u64 {
    tracked.0
}

pub struct Registry {
    entries: Vec<Tracked>,
}

impl Registry {
    pub fn insert(&mut self, tracked: Tracked) {
        self.entries.push(tracked);
    }
}

pub fn weigh_all(live: Arc<Mutex<u64>>, ids: &[u64]) -> u64 {
    let mut total = 0;
    for &id in ids {
        total += weigh(Tracked::new(id, live.clone())); //~ arc_clone_in_hot_loop
    }
    total
}

// ---- look-alikes that must stay silent ----

/// Each clone goes into a value the registry keeps: a new owner per entry.
pub fn register_all(registry: &mut Registry, live: Arc<Mutex<u64>>, ids: &[u64]) {
    for &id in ids {
        registry.insert(Tracked::new(id, live.clone()));
    }
}

/// One clone per long-running worker at start-up.
pub fn start_workers(shared: Arc<Context>) {
    for _ in 0..4 {
        let ctx = Arc::clone(&shared);
        thread::spawn(move || loop {
            if ctx.name.is_empty() {
                break;
            }
        });
    }
}

/// `Rc` clones are not atomic.
pub fn rc_clones(shared: Rc<Context>) -> usize {
    let mut n = 0;
    for _ in 0..10 {
        let c = Rc::clone(&shared);
        n += c.name.len();
    }
    n
}

/// A clone of something that is not an `Arc`.
pub fn string_clones(name: &String) -> Vec<String> {
    let mut names = Vec::new();
    for _ in 0..10 {
        names.push(name.clone());
    }
    names
}

/// A clone outside hot code.
pub fn once(shared: &Arc<Context>) -> Arc<Context> {
    Arc::clone(shared)
}

/// `Option::map` runs its closure once.
pub fn option_map(shared: Option<&Arc<Context>>) -> Option<Arc<Context>> {
    shared.map(|s| Arc::clone(s))
}

/// A suppressed finding.
pub fn allowed(shared: &Arc<Context>, plugins: &[&str]) {
    for _ in plugins {
        // contention:allow(arc_clone_in_hot_loop) one per plugin, at start-up
        let _c = Arc::clone(shared);
    }
}

/// A loop that runs a known few times is not hot.
pub fn few(shared: &Arc<Context>) -> usize {
    let mut n = 0;
    for _ in 0..3 {
        n += Arc::clone(shared).name.len();
    }
    n
}

/// A clone that is stored is a new owner, not a count bounced on every pass.
pub fn owners(shared: &Arc<Context>, slots: &mut [Option<Arc<Context>>]) -> Vec<Arc<Context>> {
    let mut kept = Vec::new();
    for slot in slots.iter_mut() {
        *slot = Some(Arc::clone(shared));
        kept.push(shared.clone());
    }
    kept
}

/// Collected, each clone is kept: as the pushes above, through an adapter, a constructor
/// that stores it, or a function whose caller hands it each item's own `Arc`.
pub fn collected(shared: &Arc<Context>, n: usize) -> Vec<Arc<Context>> {
    (0..n).map(|_| Arc::clone(shared)).collect()
}

pub fn built(live: &Arc<Mutex<u64>>, ids: &[u64]) -> Vec<Tracked> {
    ids.iter().map(|&id| Tracked::new(id, Arc::clone(live))).collect()
}

pub struct Holder {
    ctx: Arc<Context>,
}

impl Holder {
    fn new(ctx: Arc<Context>) -> Holder {
        Holder { ctx: Arc::clone(&ctx) }
    }
}

pub fn holders(contexts: &[Arc<Context>]) -> Vec<Holder> {
    contexts.iter().map(|c| Holder::new(Arc::clone(c))).collect()
}

/// A task handed to a runtime's `spawn_detach` owns its clone, as with `spawn`.
pub fn detached<R: Runtime>(shared: &Arc<Context>, n: usize) {
    for _ in 0..n {
        let ctx = Arc::clone(shared);
        R::spawn_detach(async move { ctx.name.len() });
    }
}

pub trait Runtime {
    fn spawn_detach<F: std::future::Future + Send + 'static>(future: F);
}

/// An `async fn` keeps its arguments in the future it returns: stored, the future keeps the
/// clone; awaited on the spot, the clone is dropped every pass.
async fn refresh(ctx: Arc<Context>) -> usize {
    ctx.name.len()
}

pub fn pending(shared: &Arc<Context>, slots: &mut Vec<std::pin::Pin<Box<dyn std::future::Future<Output = usize>>>>, n: usize) {
    for _ in 0..n {
        slots.push(Box::pin(refresh(Arc::clone(shared))));
    }
}

pub async fn awaited(shared: &Arc<Context>, n: usize) -> usize {
    let mut total = 0;
    for _ in 0..n {
        total += refresh(Arc::clone(shared)).await; //~ arc_clone_in_hot_loop
    }
    total
}

/// Clones bound by one tuple pattern go where each name goes: into a task that keeps them, or
/// dropped in the same pass.
pub fn paired(shared: &Arc<Context>, tasks: &mut Vec<Box<dyn FnOnce() -> usize>>, n: usize) -> usize {
    let mut total = 0;
    for _ in 0..n {
        let (a, b) = (Arc::clone(shared), Arc::clone(shared));
        tasks.push(Box::new(move || a.name.len() + b.name.len()));
        let (c, d) = (Arc::clone(shared), Arc::clone(shared)); //~ arc_clone_in_hot_loop, arc_clone_in_hot_loop
        total += c.name.len() + d.name.len();
    }
    total
}

/// A callback registered in a loop runs later, not once per iteration.
pub fn callbacks(shared: &Arc<Context>, names: &[&str]) -> Vec<Box<dyn Fn() -> usize>> {
    let mut out: Vec<Box<dyn Fn() -> usize>> = Vec::new();
    for _ in names {
        let ctx = Arc::clone(shared);
        out.push(Box::new(move || Arc::clone(&ctx).name.len()));
    }
    out
}

pub struct Events {
    handlers: Vec<Box<dyn Fn() -> usize + Send>>,
}

impl Events {
    pub fn on(&mut self, handler: impl Fn() -> usize + Send + 'static) {
        self.handlers.push(Box::new(handler));
    }
}

/// A clone captured by a callback that runs later is kept by the callback.
pub fn subscribe(shared: &Arc<Context>, events: &mut Events, topics: &[&str]) {
    for _ in topics {
        let ctx = Arc::clone(shared);
        events.on(move || ctx.name.len());
    }
}

/// Handed by value to a crate function that only reads it: dropped every iteration.
pub fn handed(shared: &Arc<Context>, requests: &[u64]) -> usize {
    let mut total = 0;
    for request in requests {
        total += respond(Arc::clone(shared), *request); //~ arc_clone_in_hot_loop
        let ctx = Arc::clone(shared); //~ arc_clone_in_hot_loop
        total += respond(ctx, *request);
    }
    total
}

fn respond(ctx: Arc<Context>, request: u64) -> usize {
    ctx.name.len() + request as usize
}

/// Handed to a crate function that keeps it, or to one we cannot see into: a new owner.
pub struct ContextRegistry {
    contexts: Vec<Arc<Context>>,
}

impl ContextRegistry {
    pub fn add(&mut self, ctx: Arc<Context>) {
        self.contexts.push(ctx);
    }
}

pub fn register(shared: &Arc<Context>, registry: &mut ContextRegistry, names: &[&str]) {
    for _ in names {
        registry.add(Arc::clone(shared));
        outside::connect(Arc::clone(shared));
    }
}

/// An object made anew each iteration holds new `Arc`s of its own.
pub struct Bench {
    start: Arc<Context>,
}

impl Bench {
    pub fn new() -> Bench {
        Bench {
            start: Arc::new(Context {
                name: String::new(),
            }),
        }
    }

    pub fn width(&self) -> usize {
        let start = Arc::clone(&self.start);
        start.name.len()
    }
}

pub fn bench(rounds: &[u32]) -> usize {
    let mut total = 0;
    for _ in rounds {
        let bench = Bench::new();
        total += bench.width();
    }
    total
}

/// A loop over a short constant list runs a known few times.
const HOSTS: &[&str] = &["a.example", "b.example"];

pub fn per_host(shared: &Arc<Context>) -> usize {
    let mut n = 0;
    for host in HOSTS {
        n += Arc::clone(shared).name.len() + host.len();
    }
    n
}

// ---- stand-ins, so that the fixture compiles ----

// `outside` plays another crate, whose code the analysis cannot see. It is defined in a
// `macro_rules!` body, which the analysis does not read, so that `outside::connect` stays a call
// into code out of sight.
macro_rules! stand_ins {
    () => {
        mod outside {
            pub fn connect(_: std::sync::Arc<super::Context>) {}
        }
    };
}

stand_ins!();

const ROUNDS: usize = 100;

/// Loops whose bounds the source spells: a hundred rounds of ten clones, a thousand a call,
/// which is what the cost note multiplies by.
pub fn thousand_clones(shared: &Arc<Context>) -> usize {
    let mut total = 0;
    for _ in 0..ROUNDS {
        for _ in 0..=9 {
            let ctx = Arc::clone(shared); //~ arc_clone_in_hot_loop
            total += ctx.name.len();
        }
    }
    total
}
