//! Development aid for corpus runs: analyses one file, or every crate directory below a folder
//! (each crate's `.rs` files as one unit), printing `path:line: lint: message`. With
//! `--tree ROOT.rs` it follows the module tree from one root and lists the files it reached.

use std::path::{Path, PathBuf};

use contention_lints::{CrateFiles, CrateInfo, check_files};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') || name == "target" {
            continue;
        }
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn main() {
    let loader = |p: &Path| std::fs::read_to_string(p);
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, root] = args.as_slice() {
        if flag == "--tree" {
            let roots = CrateFiles::ModuleTree(vec![PathBuf::from(root)]);
            let report = check_files(&CrateInfo::default(), roots, &loader);
            for file in &report.files {
                println!("{}", file.path.display());
            }
            return;
        }
    }
    let arg = PathBuf::from(args.first().expect("a file or a folder of crates"));
    let units: Vec<Vec<PathBuf>> = if arg.is_file() {
        vec![vec![arg]]
    } else {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&arg)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        dirs.iter()
            .map(|d| {
                let mut files = Vec::new();
                rust_files(d, &mut files);
                files.sort();
                files
            })
            .collect()
    };
    let (mut files, mut lines) = (0, 0);
    for unit in units {
        let report = check_files(&CrateInfo::default(), CrateFiles::List(unit), &loader);
        files += report.files.len();
        lines += report
            .files
            .iter()
            .map(|f| f.text.lines().count())
            .sum::<usize>();
        for d in &report.diagnostics {
            let file = &report.files[d.file];
            let line = file.text[..d.span.start.min(file.text.len())]
                .matches('\n')
                .count()
                + 1;
            println!(
                "{}:{line}: {}: {} | {}",
                file.path.display(),
                d.lint.name,
                d.message,
                d.notes.last().cloned().unwrap_or_default()
            );
        }
    }
    eprintln!("{files} files, {lines} lines");
}
