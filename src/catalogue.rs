//! The contract's error table as data: `features/ResetDisk.errors.tsv`, read at compile time.
//!
//! The suite checks its feature files against this table (every row has a scenario; no scenario
//! expects an undocumented ResetDisk code), and the mock's own table is tested against it.

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueRow {
    pub status: u16,
    pub code: String,
    pub message: String,
}

/// The rows of one action's error table, in the reference's order.
#[derive(Debug, Clone)]
pub struct Catalogue {
    rows: Vec<CatalogueRow>,
}

const RESET_DISK_TSV: &str = include_str!("../features/ResetDisk.errors.tsv");

impl Catalogue {
    /// ResetDisk's table. The file is part of the crate, so a malformed line is a build defect
    /// that the unit tests catch; this never fails at run time for a tested build.
    pub fn reset_disk() -> Self {
        Self::parse(RESET_DISK_TSV).expect("features/ResetDisk.errors.tsv is well formed")
    }

    /// Parses `status<TAB>code<TAB>message` lines; `#` comments and the header line are skipped.
    pub fn parse(tsv: &str) -> Result<Self, String> {
        let mut rows = Vec::new();
        for (i, line) in tsv.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() || line.starts_with("status\t") {
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(status), Some(code), Some(message), None) =
                (cols.next(), cols.next(), cols.next(), cols.next())
            else {
                return Err(format!("line {}: expected 3 tab-separated columns", i + 1));
            };
            let status = status
                .parse()
                .map_err(|_| format!("line {}: status {status:?} is not a number", i + 1))?;
            rows.push(CatalogueRow {
                status,
                code: code.to_owned(),
                message: message.to_owned(),
            });
        }
        Ok(Self { rows })
    }

    pub fn rows(&self) -> &[CatalogueRow] {
        &self.rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_disk_has_20_rows_and_19_codes() {
        let c = Catalogue::reset_disk();
        assert_eq!(c.rows().len(), 20);
        let mut codes: Vec<_> = c.rows().iter().map(|r| r.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 19);
        assert!(c.rows().iter().any(|r| r.code == "OperationDenied"
            && r.message == "The specified snapshot dees not support ResetDisk."));
    }

    #[test]
    fn parse_reports_the_bad_line() {
        assert_eq!(
            Catalogue::parse("# c\nstatus\tcode\tmessage\n404\tX\n").unwrap_err(),
            "line 3: expected 3 tab-separated columns"
        );
        assert!(
            Catalogue::parse("four\tX\tY")
                .unwrap_err()
                .contains("not a number")
        );
    }
}
