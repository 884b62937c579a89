//! `Arc` fields that nothing ever shares, and look-alikes that must stay silent.

use std::sync::{Arc, Mutex, Weak};

pub struct Payload {
    pub kind: u32,
    pub bytes: u32,
}

/// A `macro_rules!` body that only names a parameter after the field does not share it.
pub(crate) struct Costs {
    coster: Arc<Vec<u64>>, //~ unshared_arc
}

impl Costs {
    pub(crate) fn new() -> Self {
        Costs {
            coster: Arc::new(Vec::new()),
        }
    }

    pub(crate) fn total(&self) -> u64 {
        self.coster.iter().sum()
    }
}

macro_rules! impl_scaled {
    ($ty:ident) => {
        impl $ty {
            pub(crate) fn scaled(&self, coster: u64) -> u64 {
                self.total() * coster
            }
        }
    };
}

impl_scaled!(Costs);

/// Made with `Arc::new` and read through the `Arc` only.
pub struct Event {
    id: u64,
    payload: Arc<Payload>, //~ unshared_arc
}

impl Event {
    pub fn new(id: u64) -> Event {
        Event {
            id,
            payload: Arc::new(Payload { kind: 1, bytes: 64 }),
        }
    }

    pub fn weight(&self) -> u64 {
        u64::from(self.payload.bytes) * u64::from(self.payload.kind) + self.id
    }
}

/// Made through a local that holds a new `Arc`, and locked through it.
pub struct Worker {
    state: Arc<Mutex<Vec<u64>>>, //~ unshared_arc
}

impl Worker {
    pub fn new() -> Self {
        let state = Arc::new(Mutex::new(Vec::new()));
        Self { state }
    }

    pub fn push(&self, value: u64) {
        self.state.lock().unwrap().push(value);
    }
}

// ---- look-alikes that must stay silent ----

/// A field a derive macro reads through its attribute: the generated code may share it.
// Left out of the build (`cfg(any())` never holds), as the fixture has no thiserror to derive
// with; the analysis reads code whatever its `cfg`.
#[cfg(any())]
#[derive(Debug, thiserror::Error)]
#[error("failed")]
pub struct Failure {
    #[backtrace]
    trace: Arc<std::backtrace::Backtrace>,
}

#[cfg(any())]
impl Failure {
    pub fn capture() -> Failure {
        Failure {
            trace: Arc::new(std::backtrace::Backtrace::capture()),
        }
    }
}

/// A standard derive and a documented field: what the source shows is all there is.
#[derive(Debug, PartialEq)]
pub struct Labels {
    /// The names, made once.
    names: Arc<Vec<String>>, //~ unshared_arc
}

impl Labels {
    pub fn new() -> Labels {
        Labels {
            names: Arc::new(vec!["a".to_owned()]),
        }
    }

    pub fn count(&self) -> usize {
        self.names.len()
    }
}

/// Cloned in a method: shared.
pub struct Service {
    config: Arc<Payload>,
}

impl Service {
    pub fn new() -> Service {
        Service {
            config: Arc::new(Payload { kind: 0, bytes: 0 }),
        }
    }

    pub fn config(&self) -> Arc<Payload> {
        Arc::clone(&self.config)
    }
}

/// Handed in: shared with whoever handed it in.
pub struct View {
    data: Arc<Payload>,
}

impl View {
    pub fn new(data: Arc<Payload>) -> View {
        View { data }
    }

    pub fn kind(&self) -> u32 {
        self.data.kind
    }
}

/// A `Clone` struct: every clone shares the `Arc`.
#[derive(Clone)]
pub struct Handle {
    inner: Arc<Payload>,
}

pub fn handle() -> Handle {
    Handle {
        inner: Arc::new(Payload { kind: 2, bytes: 2 }),
    }
}

/// A public field of a public struct: callers may share it.
pub struct Open {
    pub shared: Arc<Payload>,
}

pub fn open() -> Open {
    Open {
        shared: Arc::new(Payload { kind: 3, bytes: 3 }),
    }
}

/// Downgraded: weak references share it.
pub struct Parent {
    node: Arc<Payload>,
}

impl Parent {
    pub fn new() -> Parent {
        Parent {
            node: Arc::new(Payload { kind: 4, bytes: 4 }),
        }
    }

    pub fn weak(&self) -> Weak<Payload> {
        Arc::downgrade(&self.node)
    }
}

/// Borrowed as an `Arc`: the borrower may clone it.
pub struct Lender {
    table: Arc<Payload>,
}

impl Lender {
    pub fn new() -> Lender {
        Lender {
            table: Arc::new(Payload { kind: 5, bytes: 5 }),
        }
    }

    pub fn table(&self) -> &Arc<Payload> {
        &self.table
    }
}

/// Cloned where the type of the holder is not visible.
pub struct Job {
    context: Arc<Payload>,
}

pub fn job() -> Job {
    Job {
        context: Arc::new(Payload { kind: 6, bytes: 6 }),
    }
}

pub fn contexts<I: Iterator>(jobs: I) -> usize
where
    I::Item: HasContext,
{
    jobs.map(|j| j.context().kind as usize).sum()
}

pub trait HasContext {
    fn context(&self) -> Arc<Payload>;
}

impl HasContext for Job {
    fn context(&self) -> Arc<Payload> {
        let job = self;
        let any = &job;
        any.context.clone()
    }
}

/// A new `Arc` cloned into another owner before it is stored: shared.
pub struct Remote {
    flag: Arc<std::sync::atomic::AtomicBool>,
}

pub struct Task {
    flag: Arc<std::sync::atomic::AtomicBool>,
}

pub fn remote() -> (Remote, Task) {
    let flag = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let task = Task { flag: flag.clone() };
    (Remote { flag }, task)
}

pub fn flags(remote: &Remote, task: &Task) -> bool {
    remote.flag.load(std::sync::atomic::Ordering::Relaxed)
        && task.flag.load(std::sync::atomic::Ordering::Relaxed)
}

/// A field a `macro_rules!` body assigns from an `Arc` handed in: shared with the caller.
pub(crate) struct Policy {
    stats: Arc<Vec<u64>>,
}

impl Policy {
    pub(crate) fn new() -> Self {
        Policy {
            stats: Arc::new(Vec::new()),
        }
    }
}

macro_rules! impl_stats {
    ($policy:ident) => {
        impl $policy {
            pub(crate) fn share_stats(&mut self, stats: Arc<Vec<u64>>) {
                self.stats = stats;
            }
        }
    };
}

impl_stats!(Policy);

/// Cloned through a type alias of the `Arc`: shared.
type CoreRef = Arc<Vec<u64>>;

pub(crate) struct Connection {
    core: CoreRef,
}

impl Connection {
    pub(crate) fn new() -> Self {
        Connection {
            core: Arc::new(Vec::new()),
        }
    }

    pub(crate) fn handle(&self) -> CoreRef {
        self.core.clone()
    }
}

/// A callback held in an `Arc<dyn Fn>`, made fresh from the closure handed in and only ever
/// called: a `Box<dyn Fn>` does the same without the count.
pub struct Retry {
    backoff: Arc<dyn Fn(u32) -> u64 + Send + Sync>, //~ unshared_arc
    attempts: u32,
}

impl Retry {
    pub fn new(backoff: impl Fn(u32) -> u64 + Send + Sync + 'static) -> Self {
        Retry {
            backoff: Arc::new(backoff),
            attempts: 3,
        }
    }

    pub fn total(&self) -> u64 {
        (0..self.attempts).map(|n| (self.backoff)(n)).sum()
    }
}

/// The same, made with a cast to the trait object and called through a method.
pub struct Hooks {
    on_close: Arc<dyn Fn() + Send + Sync>, //~ unshared_arc
}

impl Hooks {
    pub fn new<F: Fn() + Send + Sync + 'static>(f: F) -> Self {
        Hooks {
            on_close: Arc::new(f) as Arc<dyn Fn() + Send + Sync>,
        }
    }

    pub fn close(&self) {
        (self.on_close)();
        self.on_close.as_ref()();
    }
}

/// A callback that is cloned into each task: shared, silent.
pub struct Scheduler {
    job: Arc<dyn Fn(usize) + Send + Sync>,
}

impl Scheduler {
    pub fn new(job: impl Fn(usize) + Send + Sync + 'static) -> Self {
        Scheduler { job: Arc::new(job) }
    }

    pub fn run(&self, n: usize) {
        for i in 0..n {
            let job = Arc::clone(&self.job);
            std::thread::spawn(move || job(i));
        }
    }
}
