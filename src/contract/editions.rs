//! The editions of the contract, as data (`features/editions.tsv`): each is the API reference as
//! it read from the date it took effect, which is its name, until the next one. What an edition
//! holds is said by ranges on the rows that hold it — error rows (`*.errors.tsv`), parameters and
//! preconditions (`*.contract.tsv`) — so a row shared by editions is written once. `latest` is
//! the newest. What changed between two editions is derived from those rows by
//! [`super::changes`].

use std::sync::OnceLock;

/// One edition: its name (`YYYY-MM-DD`), what marks it, its source, what is unknown of it.
#[derive(Debug, PartialEq, Eq)]
pub struct Edition {
    pub name: &'static str,
    pub title: &'static str,
    pub source: &'static str,
    /// What the sources leave open; `None` when nothing is.
    pub unknown: Option<&'static str>,
    /// Its place, oldest first.
    pub index: usize,
}

/// The alias of the newest edition.
pub const LATEST: &str = "latest";

/// Every edition, oldest first. The file is compiled in and checked by the unit tests, so this
/// cannot fail at run time for a tested build.
pub fn all() -> &'static [Edition] {
    static ALL: OnceLock<Vec<Edition>> = OnceLock::new();
    ALL.get_or_init(|| {
        let text = crate::embedded::features()
            .iter()
            .find(|(n, _)| *n == "editions.tsv")
            .map_or("", |(_, t)| *t);
        parse(text).unwrap_or_else(|e| panic!("features/editions.tsv: {e}"))
    })
}

pub(crate) fn parse(text: &'static str) -> Result<Vec<Edition>, String> {
    let mut out: Vec<Edition> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() || line.starts_with("name\t") {
            continue;
        }
        let at = |e: &str| format!("line {}: {e}", i + 1);
        let [name, title, source, unknown] = line.split('\t').collect::<Vec<_>>()[..] else {
            return Err(at("expected 4 tab-separated columns"));
        };
        if time::Date::parse(
            name,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .is_err()
        {
            return Err(at("an edition is named by its date, YYYY-MM-DD"));
        }
        if out.last().is_some_and(|e| e.name >= name) {
            return Err(at("editions are listed oldest first"));
        }
        out.push(Edition {
            name,
            title,
            source,
            unknown: (unknown != "-").then_some(unknown),
            index: out.len(),
        });
    }
    if out.is_empty() {
        return Err("no edition".into());
    }
    Ok(out)
}

/// The newest edition.
pub fn latest() -> &'static Edition {
    all()
        .last()
        .expect("features/editions.tsv lists an edition")
}

/// The edition called `name` (`latest` is the newest), or a message listing the known ones.
pub fn named(name: &str) -> Result<&'static Edition, String> {
    if name == LATEST {
        return Ok(latest());
    }
    all().iter().find(|e| e.name == name).ok_or_else(|| {
        let known: Vec<&str> = all().iter().map(|e| e.name).collect();
        format!(
            "no edition {name:?}: the editions are {} (or {LATEST})",
            known.join(", ")
        )
    })
}

/// The edition in force on `date` (`YYYY-MM-DD`): the newest that took effect on or before it.
pub fn in_force_on(date: &str) -> Option<&'static Edition> {
    all().iter().rev().find(|e| e.name <= date)
}

impl Edition {
    /// `2024-12-02 (latest)` for the newest, else its name.
    pub fn label(&self) -> String {
        if self.name == latest().name {
            format!("{} ({LATEST})", self.name)
        } else {
            self.name.to_owned()
        }
    }
}

/// The editions a row holds in: from one (by index) until another, or to the newest. The
/// default is every edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Range {
    from: usize,
    until: Option<usize>,
}

impl Range {
    /// Every edition.
    pub const ALL: Range = Range {
        from: 0,
        until: None,
    };

    pub fn contains(&self, edition: &Edition) -> bool {
        edition.index >= self.from && self.until.is_none_or(|u| edition.index < u)
    }

    /// The first edition it holds in.
    pub fn first(&self) -> &'static Edition {
        &all()[self.from]
    }

    /// The editions it holds in, oldest first.
    pub fn editions(&self) -> impl Iterator<Item = &'static Edition> + '_ {
        all().iter().filter(|e| self.contains(e))
    }

    /// The editions it holds in, named (`2019-07-12, 2020-09-10`): how a person reads a range,
    /// whose `UNTIL` is the first edition without it.
    pub fn names(&self) -> String {
        let names: Vec<&str> = self.editions().map(|e| e.name).collect();
        names.join(", ")
    }
}

impl std::str::FromStr for Range {
    type Err = String;
    /// `FROM..` or `FROM..UNTIL`, each an edition's name; UNTIL is the first edition without it.
    fn from_str(s: &str) -> Result<Self, String> {
        let (from, until) = s
            .split_once("..")
            .ok_or_else(|| format!("editions {s:?}: expected FROM.. or FROM..UNTIL"))?;
        let index = |n: &str| {
            all()
                .iter()
                .find(|e| e.name == n)
                .map(|e| e.index)
                .ok_or_else(|| format!("editions {s:?}: no edition {n:?} in features/editions.tsv"))
        };
        let from = index(from)?;
        let until = if until.is_empty() {
            None
        } else {
            Some(index(until)?)
        };
        if until.is_some_and(|u| u <= from) {
            return Err(format!("editions {s:?}: UNTIL must come after FROM"));
        }
        Ok(Self { from, until })
    }
}

impl std::fmt::Display for Range {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let all = all();
        write!(f, "{}..", all[self.from].name)?;
        match self.until {
            Some(u) => write!(f, "{}", all[u].name),
            None => Ok(()),
        }
    }
}

/// One fact of an action's request in some editions: a parameter it takes, a precondition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// `parameter` or `precondition`.
    pub kind: &'static str,
    pub name: &'static str,
    pub editions: Range,
    pub source: &'static str,
}

/// The facts of `action` (`features/{action}.contract.tsv`); none when it has no such file.
pub fn facts(action: &str) -> &'static [Fact] {
    static ALL: OnceLock<Vec<(&'static str, Vec<Fact>)>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        crate::embedded::features()
            .iter()
            .filter_map(|(name, text)| {
                let action = name.strip_suffix(".contract.tsv")?;
                let facts = parse_facts(text).unwrap_or_else(|e| panic!("features/{name}: {e}"));
                Some((action, facts))
            })
            .collect()
    });
    all.iter()
        .find(|(a, _)| *a == action)
        .map_or(&[], |(_, f)| f.as_slice())
}

pub(crate) fn parse_facts(text: &'static str) -> Result<Vec<Fact>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() || line.starts_with("kind\t") {
            continue;
        }
        let at = |e: String| format!("line {}: {e}", i + 1);
        let [kind, name, editions, source] = line.split('\t').collect::<Vec<_>>()[..] else {
            return Err(at("expected 4 tab-separated columns".into()));
        };
        if !["parameter", "precondition"].contains(&kind) {
            return Err(at(format!(
                "kind {kind:?} is not parameter or precondition"
            )));
        }
        out.push(Fact {
            kind,
            name,
            editions: editions.parse().map_err(at)?,
            source,
        });
    }
    Ok(out)
}

/// Whether `action` has the fact `kind` `name` in `edition`.
pub fn holds(action: &str, kind: &str, name: &str, edition: &Edition) -> bool {
    facts(action)
        .iter()
        .any(|f| f.kind == kind && f.name == name && f.editions.contains(edition))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_editions_are_dated_ordered_and_latest_is_the_newest() {
        let names: Vec<&str> = all().iter().map(|e| e.name).collect();
        assert_eq!(
            names,
            [
                "2019-07-12",
                "2020-09-10",
                "2022-04-13",
                "2023-08-25",
                "2024-11-23",
                "2024-12-02",
                "2025-03-21"
            ]
        );
        assert_eq!(named("latest").unwrap().name, "2025-03-21");
        // Every name published before the editions were dated by the metadata still names one.
        for published in ["2019-07-12", "2020-09-10", "2022-04-13", "2024-12-02"] {
            assert_eq!(named(published).unwrap().name, published);
        }
        assert_eq!(in_force_on("2024-09-23").unwrap().name, "2023-08-25");
        assert_eq!(in_force_on("2025-03-21").unwrap().name, "2025-03-21");
        assert_eq!(in_force_on("2026-01-01").unwrap().name, "2025-03-21");
        assert!(in_force_on("2019-07-11").is_none());
        assert_eq!(named("2019-07-12").unwrap().index, 0);
        let e = named("2021-01-01").unwrap_err();
        assert!(e.contains("2019-07-12, 2020-09-10"), "{e}");
        assert!(parse("2020-01-01\tt\ts\t-\n2019-01-01\tt\ts\t-").is_err());
        assert!(parse("2020-1-1\tt\ts\t-").is_err());
    }

    #[test]
    fn ranges_parse_and_hold_from_their_first_edition_until_their_last() {
        let r: Range = "2020-09-10..2023-08-25".parse().unwrap();
        let held: Vec<&str> = r.editions().map(|e| e.name).collect();
        assert_eq!(held, ["2020-09-10", "2022-04-13"]);
        assert_eq!(
            r.names(),
            "2020-09-10, 2022-04-13",
            "named, its end left out"
        );
        assert_eq!(r.to_string(), "2020-09-10..2023-08-25");
        let open: Range = "2022-04-13..".parse().unwrap();
        assert!(open.contains(latest()) && !open.contains(&all()[0]));
        assert!("2024-12-02..2019-07-12".parse::<Range>().is_err());
        assert!("2019".parse::<Range>().is_err());
        assert!("2019-07-13..".parse::<Range>().is_err());
    }

    #[test]
    fn facts_say_what_each_edition_takes() {
        let first = &all()[0];
        assert!(holds("ResetDisk", "parameter", "DiskId", first));
        assert!(!holds("ResetDisk", "parameter", "DryRun", first));
        assert!(holds("ResetDisk", "parameter", "DryRun", latest()));
        assert!(holds(
            "ResetDisk",
            "precondition",
            "disk-status Available",
            latest()
        ));
        assert!(facts("DescribeRegions").is_empty());
        assert!(parse_facts("rule\tx\t2019-07-12..\ts").is_err());
    }
}
