//! A loopback TCP proxy that drops the first connection after a given
//! number of bytes from the server, to test reconnecting mid-copy.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;

/// The proxy; it runs until the process ends (tests are short).
pub struct CuttingProxy {
    addr: SocketAddr,
    cuts: Arc<AtomicUsize>,
}

impl CuttingProxy {
    /// Listens on 127.0.0.1 and forwards to `upstream`. The first
    /// connection is cut once `cut_after` bytes came from the server.
    pub fn start(upstream: SocketAddr, cut_after: u64) -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let cuts = Arc::new(AtomicUsize::new(0));
        let first = Arc::new(AtomicBool::new(true));
        let counter = cuts.clone();
        thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                let Ok(server) = TcpStream::connect(upstream) else {
                    continue;
                };
                let limit = if first.swap(false, Ordering::SeqCst) {
                    Some(cut_after)
                } else {
                    None
                };
                let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                thread::spawn(move || pump(c2, s2, None, None));
                let counter = counter.clone();
                thread::spawn(move || pump(server, client, limit, Some(counter)));
            }
        });
        Ok(Self { addr, cuts })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many connections were cut so far.
    pub fn cuts(&self) -> usize {
        self.cuts.load(Ordering::SeqCst)
    }
}

fn pump(
    mut from: TcpStream,
    mut to: TcpStream,
    limit: Option<u64>,
    cuts: Option<Arc<AtomicUsize>>,
) {
    let mut buf = [0u8; 16 * 1024];
    let mut moved = 0u64;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if let Some(limit) = limit
            && moved + n as u64 > limit
        {
            let keep = (limit - moved) as usize;
            let _ = to.write_all(&buf[..keep]);
            let _ = from.shutdown(Shutdown::Both);
            let _ = to.shutdown(Shutdown::Both);
            if let Some(cuts) = cuts {
                cuts.fetch_add(1, Ordering::SeqCst);
            }
            return;
        }
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
        moved += n as u64;
    }
    let _ = to.shutdown(Shutdown::Write);
}
