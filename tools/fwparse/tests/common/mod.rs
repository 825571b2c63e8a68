//! Finding and reading the installed firmware files for the tests.

#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// The GSP-RM versions the package ships.
pub const VERSIONS: [&str; 2] = ["570.144", "535.113.01"];

/// The firmware directory (`NOVA_FW_DIR` or the build root's); fails the
/// test with a clear message if it is absent.
pub fn fw_dir() -> PathBuf {
    let dir = fwparse::test_fw_dir();
    if !dir.is_dir() {
        panic!(
            "firmware directory {} not found: install firmware-nvidia-graphics in the build root \
             (make buildroot) or point NOVA_FW_DIR at a directory of nvidia/<chip>/gsp/ files",
            dir.display()
        );
    }
    dir
}

/// One firmware file of one chip.
#[derive(Debug, Clone)]
pub struct FwFile {
    /// Chip directory name (`ga102`).
    pub chip: String,
    /// File name without the version (`booter_load`).
    pub stem: String,
    /// Version from the file name (`570.144`).
    pub version: String,
    /// Path under the chip directory.
    pub path: PathBuf,
    /// Path with links resolved.
    pub real: PathBuf,
}

/// All `<dir>/<chip>/gsp/<stem>-<version>.bin` files, chips in order.
pub fn files() -> Vec<FwFile> {
    let dir = fw_dir();
    let mut chips: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    chips.sort();
    let mut out = Vec::new();
    for chip in chips {
        let gsp = dir.join(&chip).join("gsp");
        let Ok(entries) = std::fs::read_dir(&gsp) else {
            continue;
        };
        let mut names: Vec<_> = entries
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        for name in names {
            let Some(base) = name.strip_suffix(".bin") else {
                continue;
            };
            let Some(version) = VERSIONS.iter().find(|v| base.ends_with(&format!("-{v}"))) else {
                continue;
            };
            let stem = base[..base.len() - version.len() - 1].to_string();
            let path = gsp.join(&name);
            let real = std::fs::canonicalize(&path).unwrap();
            out.push(FwFile {
                chip: chip.clone(),
                stem,
                version: version.to_string(),
                path,
                real,
            });
        }
    }
    out
}

/// Files of one kind (`stem`).
pub fn files_named(stem: &str) -> Vec<FwFile> {
    files().into_iter().filter(|f| f.stem == stem).collect()
}

/// Reads a file once per resolved path and per test process.
pub fn read(path: &Path) -> Arc<Vec<u8>> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<Vec<u8>>>>> = OnceLock::new();
    let real = std::fs::canonicalize(path).unwrap();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(d) = cache.lock().unwrap().get(&real) {
        return d.clone();
    }
    let data = Arc::new(std::fs::read(&real).unwrap());
    cache.lock().unwrap().insert(real, data.clone());
    data
}
