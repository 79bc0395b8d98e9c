//! A scripted HTTP/1.1 server on 127.0.0.1 for answers Radicale never
//! gives (busy, redirects elsewhere): each request, on any connection,
//! gets the next canned response; the request lines are recorded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// One canned answer: status line, extra headers, body.
pub struct Canned {
    pub status: &'static str,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

impl Canned {
    pub fn new(status: &'static str, body: &str) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.to_string(),
        }
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }
}

/// A running scripted server; its threads end with the test process.
pub struct Scripted {
    pub base: url::Url,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Scripted {
    pub fn start(script: Vec<Canned>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = url::Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
        let script = Arc::new(Mutex::new(script.into_iter()));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let (script, seen) = (script.clone(), seen.clone());
                std::thread::spawn(move || serve(stream, &script, &seen));
            }
        });
        Self { base, requests }
    }

    /// `METHOD /path` of every request answered, in order.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, script: &Mutex<std::vec::IntoIter<Canned>>, seen: &Mutex<Vec<String>>) {
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            reader.read_line(&mut header).unwrap();
            if header.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let words: Vec<&str> = request_line.split_whitespace().take(2).collect();
        seen.lock().unwrap().push(words.join(" "));
        let Some(canned) = script.lock().unwrap().next() else {
            return;
        };
        let mut response = format!(
            "HTTP/1.1 {}\r\nContent-Length: {}\r\n",
            canned.status,
            canned.body.len()
        );
        for (name, value) in &canned.headers {
            response.push_str(&format!("{name}: {value}\r\n"));
        }
        response.push_str("\r\n");
        response.push_str(&canned.body);
        writer.write_all(response.as_bytes()).unwrap();
    }
}
