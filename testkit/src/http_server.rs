//! The HTTP/1.1 plumbing of the test servers that stand in for services
//! which cannot run here (EWS, Microsoft Graph): a listener on
//! 127.0.0.1, one thread per connection, keep-alive, requests framed by
//! `Content-Length`, and a handler that answers each request or drops
//! the connection unanswered. What the server *means* lives in the
//! handler ([`crate::ews_server`], [`crate::graph_server`]).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// One request as received.
#[derive(Debug, Clone)]
pub struct Request {
    /// Which connection it came on (numbered from 1 in accept order):
    /// connection-bound schemes such as NTLM keep state per connection.
    pub connection: u64,
    pub method: String,
    /// The request target as sent: `/v1.0/me/events?$filter=…`.
    pub target: String,
    /// Header names lower-cased, in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The first value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (test servers only receive UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// What to do with a request.
#[derive(Debug, Clone)]
pub enum Reply {
    Answer {
        status: &'static str,
        content_type: &'static str,
        headers: Vec<(&'static str, String)>,
        body: String,
    },
    /// Close the connection unanswered after this long.
    Drop(Duration),
}

impl Reply {
    /// A reply with status `status` and no extra headers.
    pub fn new(status: &'static str, content_type: &'static str, body: String) -> Self {
        Self::Answer {
            status,
            content_type,
            headers: Vec::new(),
            body,
        }
    }

    /// The same reply with one more header.
    pub fn with_header(mut self, name: &'static str, value: String) -> Self {
        if let Self::Answer { headers, .. } = &mut self {
            headers.push((name, value));
        }
        self
    }
}

/// The handler every request goes to.
pub type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

/// Listens on 127.0.0.1 (a free port) and serves every connection with
/// `handler` on its own thread, for as long as the test process lives.
pub fn start(handler: Handler) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    let address = listener.local_addr().expect("the listener's address");
    let connections = Arc::new(AtomicU64::new(0));
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let handler = handler.clone();
            let connection = connections.fetch_add(1, Ordering::Relaxed) + 1;
            std::thread::spawn(move || serve(stream, connection, &handler));
        }
    });
    address
}

fn serve(stream: TcpStream, connection: u64, handler: &Handler) {
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    while let Some(request) = read_request(&mut reader, connection) {
        match handler(&request) {
            Reply::Answer {
                status,
                content_type,
                headers,
                body,
            } => {
                let mut response = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n",
                    body.len()
                );
                for (name, value) in headers {
                    response.push_str(&format!("{name}: {value}\r\n"));
                }
                response.push_str("\r\n");
                response.push_str(&body);
                if writer.write_all(response.as_bytes()).is_err() {
                    return;
                }
            }
            Reply::Drop(after) => {
                std::thread::sleep(after);
                return;
            }
        }
    }
}

/// The next request on the connection; `None` when it closed.
fn read_request(reader: &mut BufReader<TcpStream>, connection: u64) -> Option<Request> {
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).ok()? == 0 {
        return None;
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        connection,
        method,
        target,
        headers,
        body,
    })
}
