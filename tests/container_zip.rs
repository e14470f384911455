//! The streaming ZIP reader against archives written at test time by Info-ZIP `zip`: every
//! entry's bytes equal the file it was made from, whatever the chunking; damaged archives give
//! typed errors, never a panic; limits hold.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use dicom_viewer::container::{read_zip, read_zip_with, ZipEntry, ZipError, ZipLimits, ZipStream};

fn corpus() -> PathBuf {
    PathBuf::from(
        std::env::var("DICOM_CORPUS").unwrap_or(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/dicom").into()),
    )
}

/// A fresh temporary folder for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("container-zip-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `zip` in `dir` and returns what it wrote to stdout (a pipe, so entries that zip cannot
/// seek back to get data descriptors) or, with `archive`, the archive file.
fn zip(dir: &Path, args: &[&str], stdin: Option<&[u8]>, archive: Option<&str>) -> Vec<u8> {
    let mut command = Command::new("zip");
    command.current_dir(dir).args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    // Standard input from a file: with both ends pipes, zip refuses to store (-0).
    command.stdin(match stdin {
        Some(bytes) => {
            let path = dir.join("stdin.bin");
            std::fs::write(&path, bytes).unwrap();
            Stdio::from(std::fs::File::open(path).unwrap())
        }
        None => Stdio::null(),
    });
    let output = command.output().expect("the zip command (Info-ZIP) is installed");
    assert!(output.status.success(), "zip {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    match archive {
        Some(name) => std::fs::read(dir.join(name)).unwrap(),
        None => output.stdout,
    }
}

/// A small tree: text, a compressible and an incompressible file, nested folders.
fn sample_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut noise = Vec::with_capacity(70_000);
    let mut state = 0x2545_f491u32;
    for _ in 0..70_000 {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        noise.push(state as u8);
    }
    let files = vec![
        ("a.txt".to_string(), b"hello world\n".repeat(500)),
        ("d/e/noise.bin".to_string(), noise),
        ("d/empty.txt".to_string(), Vec::new()),
        ("d/f/g/h.txt".to_string(), b"deep".to_vec()),
    ];
    for (path, data) in &files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, data).unwrap();
    }
    files
}

fn sorted(mut entries: Vec<ZipEntry>) -> Vec<(String, Vec<u8>)> {
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    entries.into_iter().map(|e| (e.path, e.data)).collect()
}

/// General purpose flags of the first local header.
fn first_flags(archive: &[u8]) -> u16 {
    u16::from_le_bytes([archive[6], archive[7]])
}

fn read_in_chunks(archive: &[u8], chunk: usize) -> Result<Vec<ZipEntry>, ZipError> {
    let mut stream = ZipStream::new(ZipLimits::default());
    let mut entries = Vec::new();
    for piece in archive.chunks(chunk) {
        entries.extend(stream.push(piece)?);
    }
    entries.extend(stream.finish()?);
    Ok(entries)
}

#[test]
fn stored_deflated_and_streamed_archives_give_the_source_files() {
    let dir = temp_dir("tree");
    let files = sample_tree(&dir);
    let cases: [(&str, Vec<u8>, bool); 3] = [
        ("stored", zip(&dir, &["-q", "-r", "-0", "stored.zip", "a.txt", "d"], None, Some("stored.zip")), false),
        ("deflated", zip(&dir, &["-q", "-r", "-9", "deflated.zip", "a.txt", "d"], None, Some("deflated.zip")), false),
        ("to a pipe", zip(&dir, &["-q", "-r", "-", "a.txt", "d"], None, None), true),
    ];
    for (name, archive, descriptors) in cases {
        assert_eq!(first_flags(&archive) & 8 != 0, descriptors, "{name}: data descriptor flag");
        let contents = read_zip(&archive).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(contents.skipped.is_empty(), "{name}");
        assert_eq!(sorted(contents.entries), files, "{name}");
        for chunk in [1, 7, 4096] {
            assert_eq!(sorted(read_in_chunks(&archive, chunk).unwrap()), files, "{name}, chunks of {chunk}");
        }
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn zip64_stdin_entries_with_descriptors_stored_and_deflated() {
    let dir = temp_dir("stdin");
    let mut data = b"a line of text from standard input\n".repeat(300);
    // A false data descriptor signature inside the stored data must not end the entry.
    data.splice(100..100, b"PK\x07\x08\0\0\0\0\x64\0\0\0\0\0\0\0\x64\0\0\0\0\0\0\0".iter().copied());
    for level in ["-6", "-0"] {
        // Input from a pipe: ZIP64 local header, sizes unknown until the data descriptor.
        let archive = zip(&dir, &["-q", level, "-", "-"], Some(&data), None);
        assert_eq!(first_flags(&archive) & 8, 8, "{level}");
        let method = u16::from_le_bytes([archive[8], archive[9]]);
        assert_eq!(method, if level == "-0" { 0 } else { 8 });
        for chunk in [1, 7, 4096, archive.len()] {
            let entries = read_in_chunks(&archive, chunk).unwrap_or_else(|e| panic!("{level}, {chunk}: {e}"));
            assert_eq!(sorted(entries), vec![("-".to_string(), data.clone())], "{level}, chunks of {chunk}");
        }
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn dicom_folder_round_trips() {
    let series = corpus().join("mr-series-128");
    let dir = temp_dir("dicom");
    let mut expected = Vec::new();
    std::fs::create_dir_all(dir.join("series")).unwrap();
    for index in 0..20 {
        let name = format!("series/slice{index}.dcm");
        let Ok(bytes) = std::fs::read(series.join(format!("slice{index}.dcm"))) else {
            eprintln!("mr-series-128 not found under {}; set DICOM_CORPUS", corpus().display());
            return;
        };
        std::fs::write(dir.join(&name), &bytes).unwrap();
        expected.push((name, bytes));
    }
    expected.sort();
    let archive = zip(&dir, &["-q", "-r", "-", "series"], None, None);
    let contents = read_zip(&archive).unwrap();
    assert_eq!(sorted(contents.entries), expected);
    for chunk in [1, 7, 4096] {
        assert_eq!(sorted(read_in_chunks(&archive, chunk).unwrap()), expected, "chunks of {chunk}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn truncations_and_byte_flips_give_errors_not_panics() {
    let dir = temp_dir("damage");
    sample_tree(&dir);
    let stored = zip(&dir, &["-q", "-0", "s.zip", "d/e/noise.bin"], None, Some("s.zip"));
    let streamed = zip(&dir, &["-q", "-r", "-", "a.txt", "d"], None, None);
    for archive in [&stored, &streamed] {
        // The central directory starts at the last "PK\x01\x02"... take the first one.
        let central = archive.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        for end in (0..central).step_by(37).chain([central - 1, central]) {
            assert!(read_zip(&archive[..end]).is_err(), "truncated at {end} of {}", archive.len());
            assert!(read_in_chunks(&archive[..end], 7).is_err(), "truncated at {end}, chunks of 7");
        }
        for position in (0..archive.len()).step_by(13) {
            for flip in [0x01u8, 0x80, 0xFF] {
                let mut damaged = archive.clone();
                damaged[position] ^= flip;
                let _ = read_zip(&damaged);
                let _ = read_in_chunks(&damaged, 4096);
            }
        }
    }
    // Every byte of a stored entry's data is covered by its CRC-32.
    let data_start = 30
        + usize::from(u16::from_le_bytes([stored[26], stored[27]]))
        + usize::from(u16::from_le_bytes([stored[28], stored[29]]));
    for position in (data_start..data_start + 70_000).step_by(997) {
        let mut damaged = stored.clone();
        damaged[position] ^= 0x10;
        assert!(
            matches!(read_zip(&damaged), Err(ZipError::CrcMismatch { ref entry, .. }) if entry == "d/e/noise.bin"),
            "flip at {position}"
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn limits_stop_bombs_before_they_expand() {
    let dir = temp_dir("limits");
    std::fs::write(dir.join("zeros.bin"), vec![0u8; 50 << 20]).unwrap();
    std::fs::write(dir.join("more.bin"), vec![0u8; 6 << 20]).unwrap();
    std::fs::write(dir.join("again.bin"), vec![1u8; 6 << 20]).unwrap();
    let bomb = zip(&dir, &["-q", "-9", "-", "zeros.bin"], None, None);
    assert!(bomb.len() < 200_000, "50 MiB of zeros deflate to {} bytes", bomb.len());
    let small = ZipLimits { max_entry_bytes: 10 << 20, ..ZipLimits::default() };
    assert_eq!(
        read_zip_with(&bomb, small),
        Err(ZipError::EntryTooLarge { entry: "zeros.bin".into(), limit: 10 << 20 })
    );
    let pair = zip(&dir, &["-q", "-", "more.bin", "again.bin"], None, None);
    let total = ZipLimits { max_total_bytes: 10 << 20, ..ZipLimits::default() };
    assert_eq!(read_zip_with(&pair, total), Err(ZipError::TotalTooLarge { limit: 10 << 20 }));
    let one = ZipLimits { max_entries: 1, ..ZipLimits::default() };
    assert_eq!(read_zip_with(&pair, one), Err(ZipError::TooManyEntries { limit: 1 }));
    // A stored entry's declared size is refused from its header alone, before any data.
    let stored = zip(&dir, &["-q", "-0", "stored.zip", "zeros.bin"], None, Some("stored.zip"));
    let mut stream = ZipStream::new(small);
    assert!(matches!(stream.push(&stored[..128]), Err(ZipError::EntryTooLarge { .. })));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn encrypted_and_unknown_methods_are_skipped_by_name() {
    let dir = temp_dir("skip");
    let files = sample_tree(&dir);
    let encrypted = zip(&dir, &["-q", "-P", "secret", "enc.zip", "a.txt"], None, Some("enc.zip"));
    let contents = read_zip(&encrypted).unwrap();
    assert!(contents.entries.is_empty());
    assert_eq!(contents.skipped, vec![ZipError::Encrypted { entry: "a.txt".into() }]);
    assert!(contents.skipped[0].to_string().contains("\"a.txt\" is encrypted"));
    // Method 12 (bzip2) written into the first local header; the second entry still reads.
    let mut archive = zip(&dir, &["-q", "-0", "two.zip", "a.txt", "d/f/g/h.txt"], None, Some("two.zip"));
    archive[8] = 12;
    let contents = read_zip(&archive).unwrap();
    assert_eq!(contents.skipped, vec![ZipError::UnsupportedMethod { entry: "a.txt".into(), method: 12 }]);
    assert_eq!(sorted(contents.entries), vec![files[3].clone()]);
    // An archive with no entries: only the end of central directory record.
    let mut empty = b"PK\x05\x06".to_vec();
    empty.extend([0u8; 18]);
    assert_eq!(read_zip(&empty).unwrap().entries, Vec::new());
    assert!(matches!(read_zip(b"not a zip at all"), Err(ZipError::BadSignature { offset: 0, .. })));
    std::fs::remove_dir_all(dir).unwrap();
}
