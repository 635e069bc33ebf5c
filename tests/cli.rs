//! CLI behaviour as snapshot cases run against the built binary:
//! `tests/cmd/*.toml` (bless with `TRYCMD=overwrite cargo test --test cli`
//! and review the diff: the snapshot is the assertion) and the README's
//! `console` examples, so the docs cannot rot.

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .default_bin_name("whi")
        // Human output wraps to COLUMNS: the snapshots are at 80.
        .env("COLUMNS", "80")
        .case("tests/cmd/*.toml")
        .case("README.md");
}
