//! `make-samples <output_dir>`: writes the generated sample studies (DICOM files) and their
//! `index.json` into `output_dir`, creating it. Run by Trunk's pre-build hook (Trunk.toml).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(dir), None) = (args.next(), args.next()) else {
        eprintln!("usage: make-samples <output_dir>");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    let started = Instant::now();
    match dicom_viewer::samples::write_samples(&dir) {
        Ok(studies) => {
            let files: Vec<_> = studies.iter().flat_map(|s| &s.files).collect();
            let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
            eprintln!(
                "make-samples: {} studies, {} files, {bytes} bytes in {} ({:.2} s)",
                studies.len(),
                files.len(),
                dir.display(),
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("make-samples: {error}");
            ExitCode::FAILURE
        }
    }
}
