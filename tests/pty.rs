//! At a terminal: a payload pasted into `whi validate -` ends with one
//! Ctrl-D. (stdin used to be read again after its end, so it took two.)
//! The terminal is a real pseudo-terminal, driven by tests/pty/paste.py with
//! Python's standard `pty` module, within a bounded wait.

mod util;

use std::process::Command;

#[cfg(unix)]
#[test]
fn one_ctrl_d_ends_a_pasted_payload() {
    let script = util::root().join("tests/pty/paste.py");
    let payload = util::root().join("samples/ongoing/order.created.json");
    let out = Command::new("python3")
        .arg(&script)
        .arg(env!("CARGO_BIN_EXE_whi"))
        .arg(&payload)
        .output()
        .unwrap_or_else(|e| panic!("python3 is needed for the terminal test: {e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.starts_with("exit 0\n"), "{text}");
    assert!(text.contains("-: ongoing/order.created valid"), "{text}");
}
