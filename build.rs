//! Embeds the suite in the binary: every feature file and catalogue under `features/` and every
//! recorded answer under `snapshots/`, so an installed or copied binary runs the whole suite from
//! any directory (`src/embedded.rs` reads the list this writes).

use std::fmt::Write as _;
use std::path::Path;

fn files(root: &Path, dir: &str, endings: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join(dir))
        .unwrap_or_else(|e| panic!("cannot read {dir}/: {e}"))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| endings.iter().any(|end| n.ends_with(end)))
        .collect();
    names.sort();
    names
}

fn main() {
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&root);
    let mut out = String::new();
    for (name, dir, endings) in [
        ("FEATURES", "features", &[".feature", ".tsv"][..]),
        ("RECORDED_ANSWERS", "snapshots", &[".snap"][..]),
    ] {
        println!("cargo:rerun-if-changed={dir}");
        writeln!(out, "pub static {name}: &[(&str, &str)] = &[").expect("a String takes writes");
        for file in files(root, dir, endings) {
            let path = root.join(dir).join(&file);
            writeln!(
                out,
                "    ({file:?}, include_str!({:?})),",
                path.display().to_string()
            )
            .expect("a String takes writes");
        }
        out.push_str("];\n");
    }
    let dest =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");

    // The commit the harness was built from, for reports; "unknown" outside a git checkout.
    let commit = git(root, &["rev-parse", "HEAD"]).unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=ECSC_COMMIT={commit}");
    // Rebuild when HEAD moves. In a worktree `.git` is a file, and a path that does not exist
    // makes cargo rerun this script (and rebuild the crate) on every command: ask git where its
    // HEAD and refs are, and name only paths that exist.
    let paths = [
        git(root, &["rev-parse", "--git-path", "HEAD"]),
        git(root, &["rev-parse", "--git-path", "refs/heads"]),
        git(root, &["rev-parse", "--git-path", "packed-refs"]),
    ];
    for path in paths.into_iter().flatten() {
        let path = root.join(path);
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
}

/// What `git ARGS` prints, trimmed, when it succeeds.
fn git(root: &Path, args: &[&str]) -> Option<String> {
    std::process::Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
}
