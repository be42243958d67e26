//! The browser app's entry point (built by Trunk for wasm32).

#[cfg(target_arch = "wasm32")]
fn main() {
    shkala::app::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("shkala-web — это браузерное приложение: соберите его командой `./run app` (Trunk, wasm32).");
    std::process::exit(2);
}
