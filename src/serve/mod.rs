//! `plainsight serve`: a local preview on 127.0.0.1 that rebuilds when the
//! site's sources change and reloads the open page.
//!
//! It builds with [`crate::build`], so the output folder on disk is exactly
//! what `plainsight build` writes, and serves that folder and nothing else.
//! The reload script and the error banner are added to HTML responses as they
//! are sent ([`page`]); no built file is ever changed.
//!
//! This module must never: listen on anything but the loopback address; serve
//! a file from outside the output folder (`content/` holds the exempt sources,
//! see [`http::resolve`]); or print (it reports through [`Event`]s, and the
//! binary prints them).
//!
//! The parts: [`http`] answers requests, [`watch`] notices changes and
//! rebuilds, [`page`] makes the injected script and banner.

pub mod http;
pub mod page;
pub mod watch;

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::{Error, Options, Outcome};

/// The path of the Server-Sent Events stream that tells open pages a build finished.
pub const EVENTS_PATH: &str = "/__plainsight/events";

/// Connections served at once; more are answered 503 and closed. Each open
/// page holds one for its reload stream.
const MAX_CONNECTIONS: usize = 128;

/// What happened, for the binary to print.
#[derive(Debug)]
pub enum Event {
    /// A source changed; a rebuild starts. The paths are relative to the
    /// root, `/`-separated, sorted, at most [`watch::MAX_NAMED`] of them.
    Changed { paths: Vec<String> },
    /// A rebuild finished. On content errors or an internal failure nothing
    /// was written and the last good site is still served, with the problems
    /// shown on every page. (Boxed: an outcome is large, a change is not.)
    Rebuilt {
        result: Box<Result<Outcome, Error>>,
        took: Duration,
    },
}

/// A running preview server. Dropping it (or [`Server::stop`]) stops it.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    events: mpsc::Receiver<Event>,
    threads: Vec<JoinHandle<()>>,
}

/// Stops a [`Server`] from another thread.
#[derive(Clone)]
pub struct StopHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

/// State shared by the accepting thread, the connections and the watcher.
struct Shared {
    output: PathBuf,
    status: Mutex<Status>,
    /// Signalled when `status` changes or the server stops.
    changed: Condvar,
    stop: AtomicBool,
    connections: AtomicUsize,
}

/// What the last build left behind.
#[derive(Debug, Clone, Default)]
struct Status {
    /// Counts finished builds; an open page reloads when it differs from the
    /// one it was served with.
    generation: u64,
    /// A rebuild is running (a request that finds nothing waits for it, as
    /// the output folder is briefly absent while it is swapped).
    building: bool,
    /// The banner HTML for the last build's problems, if it failed.
    banner: Option<Arc<str>>,
}

impl Shared {
    fn status(&self) -> MutexGuard<'_, Status> {
        // A panic elsewhere while holding the lock leaves a usable status.
        self.status.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn stopping(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Waits up to `timeout`; true when the server is stopping.
    fn pause(&self, timeout: Duration) -> bool {
        let status = self.status();
        let _ = self
            .changed
            .wait_timeout_while(status, timeout, |_| !self.stopping());
        self.stopping()
    }
}

/// Builds the site, then serves `options.output` on 127.0.0.1:`port` (0 for
/// any free port) and watches the sources. Returns the server and the first
/// build's outcome; a first build with content errors still serves (the
/// errors are shown in the browser), but an internal failure, such as an
/// output folder plainsight did not write or a port in use, is an error.
pub fn start(options: Options, port: u16) -> Result<(Server, Outcome), Error> {
    // Listen first, so a busy port is reported before a long build.
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).map_err(|e| {
        Error::Usage(format!(
            "cannot listen on 127.0.0.1:{port}: {e}\n  help: choose another port with --port, or --port 0 for any free one"
        ))
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Usage(format!("cannot read the address listened on: {e}")))?;
    let baseline = watch::Fingerprint::of(&options.root);
    let first = crate::build(&options)?;
    let shared = Arc::new(Shared {
        output: options.output.clone(),
        status: Mutex::new(Status {
            generation: 0,
            building: false,
            banner: page::banner(Ok(&first)).map(Arc::from),
        }),
        changed: Condvar::new(),
        stop: AtomicBool::new(false),
        connections: AtomicUsize::new(0),
    });
    let (sender, events) = mpsc::channel();
    let accept = {
        let shared = shared.clone();
        spawn("plainsight-serve", move || accept_loop(listener, shared))?
    };
    let watcher = {
        let shared = shared.clone();
        spawn("plainsight-watch", move || {
            watch::run(&shared, &options, baseline, &sender);
        })?
    };
    let server = Server {
        addr,
        shared,
        events,
        threads: vec![accept, watcher],
    };
    Ok((server, first))
}

fn spawn(name: &str, f: impl FnOnce() + Send + 'static) -> Result<JoinHandle<()>, Error> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(f)
        .map_err(|e| Error::Usage(format!("cannot start a thread for the server: {e}")))
}

impl Server {
    /// The address listened on (always 127.0.0.1).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The site's address, like `http://127.0.0.1:8000/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// What happens while serving; iterate to wait for events. The iteration
    /// ends when the server stops.
    pub fn events(&self) -> &mpsc::Receiver<Event> {
        &self.events
    }

    pub fn stop_handle(&self) -> StopHandle {
        StopHandle {
            addr: self.addr,
            shared: self.shared.clone(),
        }
    }

    /// Stops accepting, ends the reload streams, lets a running rebuild
    /// finish, and waits for the server's threads.
    pub fn stop(self) {
        drop(self);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop_handle().stop();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl StopHandle {
    pub fn stop(&self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        {
            // Taking the lock orders the flag before any waiter's next check.
            let _status = self.shared.status();
            self.shared.changed.notify_all();
        }
        // Wake the accepting thread, which is blocked in accept().
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping() {
            break;
        }
        let Ok(stream) = stream else {
            // Out of file descriptors or a reset before accept: back off a little.
            std::thread::sleep(Duration::from_millis(20));
            continue;
        };
        if shared.connections.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            shared.connections.fetch_sub(1, Ordering::SeqCst);
            http::busy(stream);
            continue;
        }
        let connection = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("plainsight-connection".into())
            .spawn(move || {
                http::handle(stream, &connection);
                connection.connections.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            shared.connections.fetch_sub(1, Ordering::SeqCst);
        }
    }
}
