//! `ferry serve` started as a user starts it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_prints_its_url_creates_its_store_and_answers() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("state");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .current_dir(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("FERRY_DATA_DIR", &data)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("ferry starts");
    let stdout = child.stdout.take().unwrap();
    let _server = Server(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("Ferry is running at ")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"));
    let authority = url.trim_start_matches("http://").trim_end_matches('/');
    assert!(authority.starts_with("127.0.0.1:"));

    let mut stream = TcpStream::connect(authority).unwrap();
    write!(
        stream,
        "GET /api/health HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"status\":\"ok\""), "{response}");
    assert!(
        data.join("ferry.sqlite3").is_file(),
        "store created from FERRY_DATA_DIR"
    );
}
