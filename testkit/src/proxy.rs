//! A loopback TCP proxy that cuts connections once a given number of
//! bytes came from the server on them (optionally holding them silent
//! for a while first), or refuses them, to test reconnecting mid-copy.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// The cuts still to make: the next `cuts` connections on which
/// `after_bytes` came from the server are cut there, after `hold`
/// without a byte.
#[derive(Debug, Clone, Copy, Default)]
struct Armed {
    cuts: usize,
    after_bytes: u64,
    hold: Duration,
}

#[derive(Default)]
struct Shared {
    cuts: AtomicUsize,
    connections: AtomicUsize,
    refusing: AtomicBool,
    armed: Mutex<Armed>,
}

/// The proxy; it runs until the process ends (tests are short).
pub struct CuttingProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl CuttingProxy {
    /// Listens on 127.0.0.1 and forwards to `upstream`. The first
    /// connection is cut once `cut_after` bytes came from the server.
    pub fn start(upstream: SocketAddr, cut_after: u64) -> io::Result<Self> {
        let proxy = Self::forwarding(upstream)?;
        proxy.cut_next(1, cut_after, Duration::ZERO);
        Ok(proxy)
    }

    /// Listens on 127.0.0.1 and forwards to `upstream`, cutting nothing
    /// until told to ([`CuttingProxy::cut_next`]).
    pub fn forwarding(upstream: SocketAddr) -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let state = shared.clone();
        thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                state.connections.fetch_add(1, Ordering::SeqCst);
                if state.refusing.load(Ordering::SeqCst) {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                let Ok(server) = TcpStream::connect(upstream) else {
                    continue;
                };
                let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                thread::spawn(move || pump(c2, s2, None));
                let state = state.clone();
                thread::spawn(move || pump(server, client, Some(&state)));
            }
        });
        Ok(Self { addr, shared })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many connections were cut so far.
    pub fn cuts(&self) -> usize {
        self.shared.cuts.load(Ordering::SeqCst)
    }

    /// How many connections were made to the proxy so far.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Cuts the next `cuts` connections (open or new) on which
    /// `after_bytes` came from the server, after holding them silent for
    /// `hold` (as a connection that hangs, then drops).
    pub fn cut_next(&self, cuts: usize, after_bytes: u64, hold: Duration) {
        *self.shared.armed.lock().unwrap() = Armed {
            cuts,
            after_bytes,
            hold,
        };
    }

    /// From now on, closes every new connection at once (`true`), or
    /// forwards them again.
    pub fn refuse(&self, refusing: bool) {
        self.shared.refusing.store(refusing, Ordering::SeqCst);
    }
}

/// Moves bytes from `from` to `to`; from the server (`cutting` given),
/// cuts the connection where an armed cut says.
fn pump(mut from: TcpStream, mut to: TcpStream, cutting: Option<&Shared>) {
    let mut buf = [0u8; 16 * 1024];
    let mut moved = 0u64;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let cut = cutting.and_then(|shared| {
            let mut armed = shared.armed.lock().unwrap();
            (armed.cuts > 0 && moved + n as u64 > armed.after_bytes).then(|| {
                armed.cuts -= 1;
                shared.cuts.fetch_add(1, Ordering::SeqCst);
                (armed.after_bytes, armed.hold)
            })
        });
        if let Some((limit, hold)) = cut {
            let keep = limit.saturating_sub(moved) as usize;
            let _ = to.write_all(&buf[..keep]);
            thread::sleep(hold);
            let _ = from.shutdown(Shutdown::Both);
            let _ = to.shutdown(Shutdown::Both);
            return;
        }
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
        moved += n as u64;
    }
    let _ = to.shutdown(Shutdown::Write);
}
