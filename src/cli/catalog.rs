//! `clausewatch catalog check [DIR]`: every problem of every declaration, with file and field.
use std::{io::Write, path::Path};

/// Prints every problem; returns how many there were.
pub fn check(dir: &Path, out: &mut dyn Write) -> std::io::Result<usize> {
    let problems = crate::catalog::check_dir(dir);
    for problem in &problems {
        writeln!(out, "{problem}")?;
    }
    match problems.len() {
        0 => writeln!(out, "{}: no problems", dir.display())?,
        n => writeln!(out, "{}: {n} problem(s)", dir.display())?,
    }
    Ok(problems.len())
}
