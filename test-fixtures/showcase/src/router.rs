//! A request router: the routing table is read on every request and replaced whole when the
//! configuration is reloaded, behind an `RwLock`.

use std::collections::HashMap;
use std::sync::RwLock;

pub struct Router {
    routes: RwLock<HashMap<String, u16>>, //~ read_mostly_rwlock
}

impl Router {
    pub fn serve(&self, paths: &[String]) -> u32 {
        let mut ports = 0;
        for path in paths {
            let routes = self.routes.read().unwrap();
            ports += u32::from(routes.get(path).copied().unwrap_or(0));
        }
        ports
    }

    pub fn reload(&self, routes: HashMap<String, u16>) {
        *self.routes.write().unwrap() = routes;
    }
}
