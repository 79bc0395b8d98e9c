//! Sizes and counts in words people read: "1.2 MB", "3 messages".

/// A byte count: "512 bytes", "4.0 KB", "1.2 MB", "3.4 GB".
pub fn size_text(bytes: f64) -> String {
    const KB: f64 = 1024.0;
    if bytes < KB {
        format!("{bytes:.0} bytes")
    } else if bytes < KB * KB {
        format!("{:.1} KB", bytes / KB)
    } else if bytes < KB * KB * KB {
        format!("{:.1} MB", bytes / KB / KB)
    } else {
        format!("{:.1} GB", bytes / KB / KB / KB)
    }
}

/// "1 message", "3 messages".
pub fn count_text(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
