//! The nvsim binary: VBIOS dump, and clean exits on client disconnect and
//! on SIGTERM, removing its socket.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{temp_socket, BAR0};
use nvsim::chip::Chip;
use vfio_user::Client;

fn spawn(socket: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_nvsim"))
        .args(["--chip", "ad102", "--vram", "8G", "--socket"])
        .arg(socket)
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn nvsim")
}

/// Connects once the server listens: the socket file appears when it is
/// bound, a moment before the server listens on it, so a loaded machine can
/// refuse the first attempts.
fn connect(socket: &Path) -> Client {
    let start = Instant::now();
    loop {
        if socket.exists() {
            match Client::new(socket) {
                Ok(client) => return client,
                Err(e) => assert!(
                    start.elapsed() < Duration::from_secs(30),
                    "cannot connect: {e:?}"
                ),
            }
        } else {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "socket never appeared"
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn wait(child: &mut Child) -> i32 {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status.code().unwrap_or(-1);
        }
        if start.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("nvsim did not exit");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn boot42(client: &mut Client) -> u32 {
    let mut b = [0; 4];
    client.region_read(BAR0, 0xa00, &mut b).expect("read");
    u32::from_le_bytes(b)
}

#[test]
fn exits_cleanly_when_the_client_disconnects() {
    let socket = temp_socket("disconnect");
    let mut child = spawn(&socket);
    let mut client = connect(&socket);
    assert_eq!(boot42(&mut client), 0x192a_1000);
    client.shutdown().expect("shutdown");
    drop(client);
    assert_eq!(wait(&mut child), 0);
    assert!(!socket.exists(), "socket removed");
    let _ = std::fs::remove_dir_all(socket.parent().expect("dir"));
}

#[test]
fn exits_cleanly_on_sigterm() {
    let socket = temp_socket("sigterm");
    let mut child = spawn(&socket);
    let mut client = connect(&socket);
    assert_eq!(boot42(&mut client), 0x192a_1000);
    // SAFETY: sends SIGTERM to the child we spawned.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGTERM) }, 0);
    assert_eq!(wait(&mut child), 0);
    assert!(!socket.exists(), "socket removed");
    let _ = std::fs::remove_dir_all(socket.parent().expect("dir"));
}

#[test]
fn dumps_the_vbios() {
    let out = temp_socket("dump").with_file_name("gb202.rom");
    let status = Command::new(env!("CARGO_BIN_EXE_nvsim"))
        .args(["--chip", "gb202", "--dump-vbios"])
        .arg(&out)
        .status()
        .expect("run nvsim");
    assert!(status.success());
    let expect = nvsim_vbios::build(&Chip::by_name("gb202").expect("chip").rom_spec()).bytes;
    assert_eq!(std::fs::read(&out).expect("dump"), expect);
    let _ = std::fs::remove_dir_all(out.parent().expect("dir"));
}

#[test]
fn takes_the_timing_and_framebuffer_options() {
    let socket = temp_socket("timing");
    let mut child = Command::new(env!("CARGO_BIN_EXE_nvsim"))
        .args([
            "--chip",
            "ga102",
            "--vram",
            "8G",
            "--fb-reserved",
            "0",
            "--timing",
            "real",
            "--delay",
            "rpc=1ms",
            "--socket",
        ])
        .arg(&socket)
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn nvsim");
    let mut client = connect(&socket);
    let mut b = [0; 4];
    client.region_read(BAR0, 0x1183a4, &mut b).expect("read");
    assert_eq!(u32::from_le_bytes(b), 8192, "no reserved top");
    client.shutdown().expect("shutdown");
    drop(client);
    assert_eq!(
        wait(&mut child),
        0,
        "the timing thread does not keep it alive"
    );
    let _ = std::fs::remove_dir_all(socket.parent().expect("dir"));

    // A bad option is refused.
    let status = Command::new(env!("CARGO_BIN_EXE_nvsim"))
        .args(["--socket", "/nonexistent/s", "--delay", "warp=1ms"])
        .stderr(Stdio::null())
        .status()
        .expect("run nvsim");
    assert_eq!(status.code(), Some(2));
}
