//! A web service's state: the framework runs each handler once per request, on the runtime's
//! threads, so a map its handlers write per key is written from several threads. No spawn is
//! in sight: the handlers are registered by name (`post(add_user)`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::routing::{get, post};
use axum::Router;

#[derive(Default)]
pub struct Users {
    names: Mutex<HashMap<u64, String>>, //~ single_lock_map
    /// Look-alike: filled once while the router is built, only read by the handlers.
    roles: Mutex<HashMap<String, u32>>,
}

async fn add_user(State(users): State<Arc<Users>>, id: u64) -> usize {
    let name = format!("user {id}");
    let mut names = users.names.lock().unwrap();
    names.insert(id, name);
    names.len()
}

async fn role_of(State(users): State<Arc<Users>>, name: String) -> u32 {
    users.roles.lock().unwrap().get(&name).copied().unwrap_or(0)
}

pub fn app() -> Router<Arc<Users>> {
    let users = Arc::new(Users::default());
    let admin = "admin".to_owned();
    users.roles.lock().unwrap().insert(admin, 1);
    Router::new()
        .route("/users", post(add_user))
        .route("/roles", get(role_of))
        .with_state(users)
}

/// Reached through the extractor itself, which dereferences to the state.
#[derive(Default)]
pub struct Visits {
    per_page: Mutex<HashMap<String, u64>>, //~ single_lock_map
}

async fn visit(visits: State<Arc<Visits>>, page: String) {
    *visits.per_page.lock().unwrap().entry(page).or_insert(0) += 1;
}

pub fn counter() -> Router<Arc<Visits>> {
    Router::new()
        .route("/visit", post(visit))
        .with_state(Arc::new(Visits::default()))
}

/// Look-alike: the same map written by a function nobody registers or spawns.
pub struct Directory {
    names: Mutex<HashMap<u64, String>>,
}

impl Directory {
    pub fn add(&self, id: u64) {
        self.names.lock().unwrap().insert(id, String::new());
    }
}

// ---- stand-ins, so that the fixture compiles without the framework ----

// `axum` plays the web framework, defined in a `macro_rules!` body the analysis does not read,
// so that its names stay another crate's.
macro_rules! stand_ins {
    () => {
        mod axum {
            pub mod extract {
                pub struct State<T>(pub T);
                impl<T> std::ops::Deref for State<T> {
                    type Target = T;
                    fn deref(&self) -> &T {
                        &self.0
                    }
                }
            }
            pub mod routing {
                pub struct MethodRouter;
                pub fn get<H>(_handler: H) -> MethodRouter {
                    MethodRouter
                }
                pub fn post<H>(_handler: H) -> MethodRouter {
                    MethodRouter
                }
            }
            pub struct Router<S>(Option<S>);
            impl<S> Router<S> {
                pub fn new() -> Self {
                    Router(None)
                }
                pub fn route(self, _path: &str, _method: routing::MethodRouter) -> Self {
                    self
                }
                pub fn with_state(self, state: S) -> Self {
                    Router(Some(state))
                }
            }
        }
    };
}

stand_ins!();
