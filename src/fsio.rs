//! Writing files the user asked for, without ever leaving half of one or replacing one by
//! surprise.
//!
//! Every write goes to a temporary file in the target's folder (so the final step is a rename
//! within one file system), is flushed to disk, and only then takes the target's name: a crash
//! or a full disk leaves the old file, never a truncated one. Where the target must not be
//! replaced, the last step is a hard link instead of a rename, which fails if the name exists
//! even when another program creates it meanwhile.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path`, replacing what is there.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_with(path, true, |w| w.write_all(bytes))
}

/// Writes `bytes` to `path`, failing with `AlreadyExists` rather than replacing a file.
pub fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_with(path, false, |w| w.write_all(bytes))
}

/// Streams a file through `write` (a big experiment need not sit in memory twice).
pub fn write_with(
    path: &Path,
    replace: bool,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path names no file"))?;
    if !replace && path.exists() {
        return Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, "the file exists"));
    }
    let tmp = dir.join(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
    let result = (|| {
        let mut w = BufWriter::new(File::create(&tmp)?);
        write(&mut w)?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        if replace {
            return std::fs::rename(&tmp, path);
        }
        match std::fs::hard_link(&tmp, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
            // A file system without hard links: the check above is the best we can do.
            Err(_) if !path.exists() => std::fs::rename(&tmp, path),
            Err(e) => Err(e),
        }
    })();
    let _ = std::fs::remove_file(&tmp);
    result
}

/// `dir/prefix-YYYYMMDD-HHMMSS.ext` (UTC), with `-2`, `-3`... when taken; the returned path
/// did not exist when checked, and [`write_new`] keeps it from being replaced if it appears.
pub fn timestamped(dir: &Path, prefix: &str, ext: &str, now: std::time::SystemTime) -> PathBuf {
    let secs = now.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    let t = secs % 86_400;
    let stamp = format!("{y:04}{m:02}{d:02}-{:02}{:02}{:02}", t / 3600, t / 60 % 60, t % 60);
    let mut n = 1;
    loop {
        let suffix = if n == 1 { String::new() } else { format!("-{n}") };
        let p = dir.join(format!("{prefix}-{stamp}{suffix}.{ext}"));
        if !p.exists() {
            return p;
        }
        n += 1;
    }
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("hl-fsio-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn new_files_never_replace_and_leave_no_temporaries() {
        let d = dir("new");
        let p = d.join("a.txt");
        write_new(&p, b"one").unwrap();
        let e = write_new(&p, b"two").unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        write_atomic(&p, b"three").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"three");
        // A failing writer leaves the old file as it was.
        let e = write_with(&p, true, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(e.is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"three");
        let names: Vec<_> = std::fs::read_dir(&d).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.txt")], "no temporary file left");
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn timestamps_are_utc_dates_and_skip_taken_names() {
        let d = dir("stamp");
        // 2026-12-04 18:30:40 UTC.
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_796_409_040);
        let a = timestamped(&d, "hidden-layers", "png", t);
        assert_eq!(a.file_name().unwrap(), "hidden-layers-20261204-183040.png");
        std::fs::write(&a, b"x").unwrap();
        let b = timestamped(&d, "hidden-layers", "png", t);
        assert_eq!(b.file_name().unwrap(), "hidden-layers-20261204-183040-2.png");
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        let _ = std::fs::remove_dir_all(&d);
    }
}
