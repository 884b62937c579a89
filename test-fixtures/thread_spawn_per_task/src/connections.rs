//! A thread per accepted connection or received request, whose work blocks on the socket or
//! the disk: still one short task per thread. Workers that loop, pools started once and threads
//! started at start-up stay silent.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc::Receiver;
use std::thread;

/// The textbook server: a thread per connection, writing one reply.
pub fn serve(listener: TcpListener) {
    for stream in listener.incoming() {
        let stream = stream.unwrap();
        thread::spawn(move || reply(stream)); //~ thread_spawn_per_task
    }
}

fn reply(mut stream: TcpStream) {
    let mut request = [0u8; 512];
    let n = stream.read(&mut request).unwrap_or(0);
    stream.write_all(&request[..n]).unwrap();
}

/// Accepted in a `loop`, the request read and a file sent back, in the spawned closure.
pub fn serve_files(listener: &TcpListener) -> std::io::Result<()> {
    loop {
        let (mut stream, _) = listener.accept()?;
        thread::spawn(move || { //~ thread_spawn_per_task
            let body = fs::read("index.html").unwrap_or_default();
            stream.write_all(&body).unwrap();
        });
    }
}

/// A thread per request taken from a channel.
pub fn dispatch(requests: Receiver<String>) {
    while let Ok(path) = requests.recv() {
        thread::spawn(move || fs::write(path, b"done")); //~ thread_spawn_per_task
    }
}

// ---- look-alikes that must stay silent ----

/// A thread per connection that serves the connection's requests in a loop until it closes:
/// a long-running worker.
pub fn serve_sessions(listener: TcpListener) {
    for stream in listener.incoming() {
        let stream = stream.unwrap();
        thread::spawn(move || {
            let reader = BufReader::new(stream);
            for line in reader.lines() {
                if line.is_err() {
                    break;
                }
            }
        });
    }
}

/// The same, with the loop in the handler the thread runs.
pub fn serve_sessions_in(listener: TcpListener) {
    for stream in listener.incoming() {
        let stream = stream.unwrap();
        thread::spawn(move || session(stream));
    }
}

fn session(mut stream: TcpStream) {
    let mut buf = [0u8; 512];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let _ = stream.write_all(&buf[..n]);
            }
        }
    }
}

/// A fixed pool of workers started once, each taking connections from the shared listener.
pub fn pool(listener: TcpListener, workers: usize) {
    let listener = std::sync::Arc::new(listener);
    for _ in 0..workers {
        let listener = std::sync::Arc::clone(&listener);
        thread::spawn(move || {
            for stream in listener.incoming() {
                reply(stream.unwrap());
            }
        });
    }
}

/// Blocking work in a loop over data, not over requests: a thread for each slow download is
/// what threads are for.
pub fn fetch_all(paths: Vec<String>) {
    for path in paths {
        thread::spawn(move || fs::read(path));
    }
}

/// One listener thread started at start-up.
pub fn start(listener: TcpListener) -> thread::JoinHandle<()> {
    thread::spawn(move || serve(listener))
}
