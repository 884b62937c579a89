//! Pointers to locals stored where other threads can load them, and look-alikes that must stay
//! silent.

use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

pub struct Node {
    pub value: u64,
    pub next: *mut Node,
}

pub struct Stack {
    head: AtomicPtr<Node>,
}

impl Stack {
    pub fn push_local(&self, value: u64) {
        let mut node = Node { value, next: ptr::null_mut() };
        self.head.store(&mut node as *mut Node, Ordering::Release); //~ atomic_ptr_to_local
    }

    pub fn swap_local(&self) -> *mut Node {
        let mut node = Node { value: 0, next: ptr::null_mut() };
        self.head.swap(&mut node, Ordering::AcqRel) //~ atomic_ptr_to_local
    }

    pub fn cas_local(&self, expected: *mut Node) {
        let mut node = Node { value: 1, next: expected };
        let new = ptr::addr_of_mut!(node);
        let _ = self.head.compare_exchange(
            expected,
            new, //~ atomic_ptr_to_local
            Ordering::AcqRel,
            Ordering::Acquire,
        );
    }

    pub fn by_value_parameter(&self, mut node: Node) {
        self.head.store(&mut node as *mut _, Ordering::Release); //~ atomic_ptr_to_local
    }

    // ---- look-alikes that must stay silent ----

    /// A heap node outlives the function.
    pub fn push_heap(&self, value: u64) {
        let node = Box::into_raw(Box::new(Node { value, next: ptr::null_mut() }));
        self.head.store(node, Ordering::Release);
    }

    /// A node handed in by reference lives elsewhere.
    pub fn push_borrowed(&self, node: &mut Node) {
        self.head.store(node as *mut Node, Ordering::Release);
    }

    /// Null.
    pub fn clear(&self) {
        self.head.store(ptr::null_mut(), Ordering::Release);
    }
}

/// An `AtomicPtr` that is itself a local dies with its target.
pub fn local_atomic() -> u64 {
    let mut value = Node { value: 7, next: ptr::null_mut() };
    let slot = AtomicPtr::new(ptr::null_mut());
    slot.store(&mut value as *mut Node, Ordering::Relaxed);
    unsafe { (*slot.load(Ordering::Relaxed)).value }
}

/// An address in an integer atomic is another lint's business.
pub fn address(word: &AtomicUsize) {
    let local = 5u64;
    word.store(&local as *const u64 as usize, Ordering::Relaxed);
}

static GLOBAL: AtomicPtr<u64> = AtomicPtr::new(ptr::null_mut());
static mut VALUE: u64 = 0;

/// A static's address is valid for the whole program.
pub fn static_target() {
    GLOBAL.store(ptr::addr_of_mut!(VALUE), Ordering::Release);
}

/// A node published while the function waits, and taken back before it returns.
pub fn wait_in_queue(queue: &AtomicPtr<Node>, done: &AtomicUsize) {
    let mut waiter = Node { value: 0, next: ptr::null_mut() };
    queue.store(&mut waiter, Ordering::Release);
    while done.load(Ordering::Acquire) == 0 {
        std::hint::spin_loop();
    }
    queue.store(ptr::null_mut(), Ordering::Release);
}

/// A waiter node on the stack, published to a queue, and the function waits until another
/// thread has signalled it (and so is done with it) before it returns.
pub struct Waiter {
    signaled: std::sync::atomic::AtomicBool,
    next: *mut Waiter,
}

pub fn wait_until_signaled(queue: &std::sync::atomic::AtomicPtr<Waiter>, head: *mut Waiter) {
    let node = Waiter {
        signaled: std::sync::atomic::AtomicBool::new(false),
        next: head,
    };
    let me = &node as *const Waiter as *mut Waiter;
    if queue
        .compare_exchange(head, me, Ordering::Release, Ordering::Relaxed)
        .is_ok()
    {
        while !node.signaled.load(Ordering::Acquire) {
            std::thread::park();
        }
    }
    let _ = node.next;
}
