//! The data service's entry point: a Web Worker built by Trunk (`data-type="worker"`).

#[cfg(target_arch = "wasm32")]
fn main() {
    shkala::service::worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("shkala-worker — это фоновый обработчик браузерного приложения: соберите его командой `./run app` (Trunk, wasm32).");
    std::process::exit(2);
}
