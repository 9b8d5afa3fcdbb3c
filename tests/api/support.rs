//! Shared test helpers.
use std::path::PathBuf;

/// The shared folder beside the checkout (`../shared`), read in place; `CLAUSEWATCH_SHARED`
/// overrides the location.
pub fn shared_dir() -> PathBuf {
    std::env::var_os("CLAUSEWATCH_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"))
}

/// The rows of a tab-separated file in `catalog/gold/`: comment (`#`) and blank lines and the
/// header left out, each row checked to have `columns` fields.
#[allow(dead_code)]
pub fn gold_rows(file: &str, columns: usize) -> Vec<Vec<String>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("catalog/gold").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .skip(1)
        .map(|line| {
            let fields: Vec<String> = line.split('\t').map(str::to_owned).collect();
            assert_eq!(fields.len(), columns, "{file}: a row has {columns} fields: {line}");
            fields
        })
        .collect()
}

/// A gold file's `yes` / `no` field.
#[allow(dead_code)]
pub fn yes_no(field: &str) -> bool {
    match field {
        "yes" => true,
        "no" => false,
        other => panic!("expected `yes` or `no`, not `{other}`"),
    }
}

/// The shared corpus of real AI terms; `CLAUSEWATCH_CORPUS` overrides the location.
#[allow(dead_code)]
pub fn corpus_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CLAUSEWATCH_CORPUS") {
        return PathBuf::from(dir);
    }
    shared_dir().join("corpus")
}

/// A temporary OTA versions folder (`<service>/<terms type>/<date>.md`) holding one corpus
/// document's real history, linked in place, for `import_ota`.
pub fn ota_folder_of(service: &str, terms_type: &str) -> tempfile::TempDir {
    let root = tempfile::TempDir::new().unwrap();
    let dir = root.path().join(service).join(terms_type);
    std::fs::create_dir_all(&dir).unwrap();
    for file in std::fs::read_dir(corpus_dir().join("versions").join(service).join(terms_type)).unwrap() {
        let file = file.unwrap().path();
        std::os::unix::fs::symlink(&file, dir.join(file.file_name().unwrap())).unwrap();
    }
    root
}
