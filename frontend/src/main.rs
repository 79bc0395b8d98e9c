//! Entry point of the WebAssembly binary built by Trunk.

fn main() {
    ferry_frontend::start();
}
