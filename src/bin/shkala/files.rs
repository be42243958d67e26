//! Files in and out: an input mapped into memory (or read), a file written whole, and the
//! identification's JSON result serialised on every core in parts written in order (byte for
//! byte serde_json's).

use crate::Failure;
use shkala::domain::method::identify;

pub(crate) fn read(path: &str) -> Result<Vec<u8>, Failure> {
    std::fs::read(path)
        .map_err(|e| Failure::from(format!("ошибка: {path}: не удаётся прочитать файл: {e}")))
}

pub(crate) fn write(path: &str, bytes: impl AsRef<[u8]>) -> Result<(), Failure> {
    std::fs::write(path, bytes)
        .map_err(|e| Failure::from(format!("ошибка: {path}: не удаётся записать файл: {e}")))
}

pub(crate) fn write_json(
    path: &str,
    value: &impl serde::Serialize,
    pretty: bool,
) -> Result<(), Failure> {
    use std::io::Write;
    let fail = |e: &dyn std::fmt::Display| {
        Failure::from(format!("ошибка: {path}: не удаётся записать файл: {e}"))
    };
    let file = std::fs::File::create(path).map_err(|e| fail(&e))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    let written = if pretty {
        serde_json::to_writer_pretty(&mut w, value)
    } else {
        serde_json::to_writer(&mut w, value)
    };
    written.map_err(|e| fail(&e))?;
    w.flush().map_err(|e| fail(&e))
}

/// The bytes of an input file. On Unix a regular file is mapped into memory: a national file
/// is tens of megabytes, and mapping it neither copies it nor asks the system for as much
/// fresh memory, which the system must first fill with zeros (on this project's virtual
/// machines that took more time than reading the file). Otherwise it is read.
pub(crate) enum Input {
    #[cfg(unix)]
    Mapped {
        start: *mut libc::c_void,
        len: usize,
    },
    Read(Vec<u8>),
}

impl std::ops::Deref for Input {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            #[cfg(unix)]
            // SAFETY: `start..start + len` is a readable mapping that lives as long as `self`
            // (unmapped in `drop`); nothing in this process writes to it.
            Input::Mapped { start, len } => unsafe {
                std::slice::from_raw_parts(*start as *const u8, *len)
            },
            Input::Read(bytes) => bytes,
        }
    }
}

#[cfg(unix)]
impl Drop for Input {
    fn drop(&mut self) {
        if let Input::Mapped { start, len } = *self {
            // SAFETY: the mapping made in `read_input`, unmapped once; no slice of it outlives
            // `self`.
            unsafe {
                libc::munmap(start, len);
            }
        }
    }
}

/// An input file's bytes, mapped where it can be ([`Input`]), else read whole.
pub(crate) fn read_input(path: &str) -> Result<Input, Failure> {
    #[cfg(unix)]
    if let Some(mapped) = map_file(path) {
        return Ok(mapped);
    }
    read(path).map(Input::Read)
}

/// A regular, non-empty file mapped read-only; `None` when it cannot be (the caller reads it
/// instead, and names the error if that fails too).
#[cfg(unix)]
fn map_file(path: &str) -> Option<Input> {
    use std::os::fd::AsRawFd;
    let file = std::fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    let len = usize::try_from(meta.len()).ok()?;
    if !meta.is_file() || len == 0 {
        return None;
    }
    // The pages of a file the system holds in its cache are mapped at once (one call instead
    // of a fault for every few pages).
    #[cfg(target_os = "linux")]
    let flags = libc::MAP_PRIVATE | libc::MAP_POPULATE;
    #[cfg(not(target_os = "linux"))]
    let flags = libc::MAP_PRIVATE;
    // SAFETY: a private read-only mapping of an open regular file, of its length; the mapping
    // stays valid after the file is closed. A file that another program shortens while it is
    // mapped would end this process when the lost part is read (SIGBUS) — as for any program
    // that maps its input; the tool reads its inputs once, right away.
    let start = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ,
            flags,
            file.as_raw_fd(),
            0,
        )
    };
    (start != libc::MAP_FAILED).then_some(Input::Mapped { start, len })
}

/// Schools per part of the JSON result that one thread serialises (about a megabyte).
const SCHOOLS_PER_PART: usize = 512;

/// Writes the identification result as compact JSON, byte for byte what
/// `serde_json::to_writer` writes for `head` with `schools` as its schools (`head` is the
/// result or the result with its robustness, with its `schools` taken out), without holding
/// it whole: the schools' records — nearly all of a national result — are serialised on every
/// core, a part each, into a few buffers that are written in order, while the next parts are
/// being serialised, and used again; serde writes the rest around them.
pub(crate) fn write_json_result(
    path: &str,
    head: &impl serde::Serialize,
    schools: &[identify::SchoolResult],
) -> Result<(), Failure> {
    use std::io::Write;
    let fail = |e: &dyn std::fmt::Display| {
        Failure::from(format!("ошибка: {path}: не удаётся записать файл: {e}"))
    };
    let frame = serde_json::to_vec(head).map_err(|e| fail(&e))?;
    // Where the schools go: their key with an empty array, which only a key can be (a quote
    // inside a string is escaped) — and the result has no other key named so before it.
    const SLOT: &[u8] = b"\"schools\":[]";
    let at = frame
        .windows(SLOT.len())
        .position(|w| w == SLOT)
        .ok_or_else(|| fail(&"в результате нет списка школ"))?
        + SLOT.len()
        - 1;
    // Parts of a megabyte go to the file as they are (a buffer would only copy them).
    let mut w = std::fs::File::create(path).map_err(|e| fail(&e))?;
    w.write_all(&frame[..at]).map_err(|e| fail(&e))?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let parts: Vec<&[identify::SchoolResult]> = schools.chunks(SCHOOLS_PER_PART).collect();
    let (mut made, mut ready) = (vec![Vec::new(); threads], vec![Vec::new(); threads]);
    let mut ready_parts = 0;
    let mut first = true;
    let mut write_ready = |ready: &[Vec<u8>], w: &mut std::fs::File| {
        for part in ready {
            if !first {
                w.write_all(b",")?;
            }
            first = false;
            w.write_all(part)?;
        }
        Ok::<(), std::io::Error>(())
    };
    for batch in parts.chunks(threads) {
        std::thread::scope(|s| {
            let serialising: Vec<_> = batch
                .iter()
                .zip(made.iter_mut())
                .map(|(part, buffer)| s.spawn(move || serialise_schools(part, buffer)))
                .collect();
            let written = write_ready(&ready[..ready_parts], &mut w).map_err(|e| fail(&e));
            for h in serialising {
                h.join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e))
                    .map_err(|e| fail(&e))?;
            }
            written
        })?;
        std::mem::swap(&mut made, &mut ready);
        ready_parts = batch.len();
    }
    write_ready(&ready[..ready_parts], &mut w).map_err(|e| fail(&e))?;
    w.write_all(&frame[at..]).map_err(|e| fail(&e))
}

/// Schools as serde_json writes them inside an array: `{…},{…}`.
fn serialise_schools(
    schools: &[identify::SchoolResult],
    buffer: &mut Vec<u8>,
) -> serde_json::Result<()> {
    buffer.clear();
    for (i, school) in schools.iter().enumerate() {
        if i > 0 {
            buffer.push(b',');
        }
        serde_json::to_writer(&mut *buffer, school)?;
    }
    Ok(())
}
