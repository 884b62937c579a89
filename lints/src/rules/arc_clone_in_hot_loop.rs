#![doc = include_str!("arc_clone_in_hot_loop.md")]

use syn::Expr;

use super::Rule;
use crate::registry::declare_lint;
use crate::semantic::walker::{Condition, Cx, Sink};
use crate::{Cost, Diagnostic, Per, SharedLine, Work};

declare_lint!(
    pub(crate) ARC_CLONE_IN_HOT_LOOP,
    "arc_clone_in_hot_loop",
    Warn,
    "`Arc::clone` in code that runs many times: every clone and drop is an atomic read-modify-write on one shared counter",
    "arc_clone_in_hot_loop.md"
);

pub(crate) struct ArcCloneInHotLoop;

impl Rule for ArcCloneInHotLoop {
    type Facts = ();

    /// Flags the clone call itself: that is where the atomic increment happens and what a person
    /// replaces with a borrow.
    fn check_expr(&self, cx: &Cx<'_, '_>, expr: &Expr, _: &mut (), sink: &mut Sink<'_>) {
        let cloned = match expr {
            Expr::MethodCall(m) if m.method == "clone" && m.args.is_empty() => &*m.receiver,
            // `Arc::clone(&x)`, `Clone::clone(&x)`, a renamed `Arc`: the argument's type decides.
            Expr::Call(c)
                if c.args.len() == 1
                    && crate::semantic::walker::path_tail(&c.func)
                        .is_some_and(|(_, f)| f == "clone") =>
            {
                &c.args[0]
            }
            _ => return,
        };
        let ty = cx.type_of(cloned);
        if !ty.is_arc() {
            return;
        }
        // An error being built (`Err(Error::new(self.ctx.clone()))`, `.map_err(|_| ..)`) is
        // made when something already went wrong, and leaves the loop with the error.
        if cx.in_cold_path() {
            return;
        }
        // An `Arc` this function just made is split into its owners, not shared yet: hot callers
        // make the `Arc::new` the cost, not the clone. One made anew in each iteration of an outer
        // loop is a different counter each time.
        if (!cx.in_local_region() || cx.is_made_per_iteration(cloned)) && cx.is_fresh_arc(cloned) {
            return;
        }
        // A clone that is stored (pushed, inserted, assigned to a field, turned into a raw pointer)
        // is a new owner that outlives the iteration: ownership being handed out, not a count
        // bounced and dropped on every pass.
        if cx.is_stored() || cx.is_kept_part(expr) {
            return;
        }
        // The cost is one counter bounced between cores: a different `Arc` each iteration (the
        // loop's item, a value made in the body) is not one counter.
        if cx.varies_per_iteration(cloned) {
            return;
        }
        let Some(mut condition) = cx.hot(cloned) else {
            return;
        };
        // Built into an owner the function returns (`Some(Conn { ctx: self.ctx.clone() })`,
        // `Self { inner: Arc::clone(&self.inner) }`): the caller gets a new owner, which is
        // churn only where a hot caller drops it in the same pass.
        let Condition::Hot { returned, .. } = &mut condition;
        *returned = cx.is_returned_part(expr);
        let shown = ty.peel_refs().display();
        // The clone's increment and its drop's decrement, each time the code runs.
        let per = if cx.in_local_region() {
            Per::Iteration
        } else {
            Per::Call
        };
        let rmws = Work::AtomicRmw {
            count: 2,
            on: SharedLine::Counter,
            seqcst: false,
        };
        let diagnostic = Diagnostic::new(
        &ARC_CLONE_IN_HOT_LOOP,
        cx.file(),
        cx.span_of(expr),
        format!("`{shown}` cloned in hot code: every clone and drop is an atomic read-modify-write on its shared reference count"),
    )
    .with_label("an atomic increment now, and a decrement when the clone drops")
    .with_note("when several threads do this, the counter's cache line bounces between their cores and the loop stops scaling")
    .with_help("borrow the `Arc`'s contents instead (`&*x`, or pass `&T`), or clone once per thread before the loop")
    .with_cost(Cost::new(rmws, per).with_iterations(cx.iterations()));
        sink.report_if(condition, diagnostic);
    }
}
