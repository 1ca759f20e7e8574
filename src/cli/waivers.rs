//! Waivers on the command line: `run --waivers FILE` reads them before anything starts (a refused
//! file is a usage error, exit 2), and `waivers renew` moves the expiry of those whose deviation
//! a report still shows.

use std::path::Path;
use std::process::ExitCode;

use ecs_conformance::results::{Results, format_date, parse_date};
use ecs_conformance::suite::{Waivers, one_year_after, renew_text};

use super::fail::Fail;

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

fn read(path: &Path) -> Result<(String, Waivers), Fail> {
    let refused = |why: String| {
        Fail::cannot_check(format_args!("the waivers file {}: {why}", path.display()))
            .and("nothing was certified: no scenario was run")
    };
    let text = std::fs::read_to_string(path).map_err(|e| refused(format!("{}", e.kind())))?;
    let waivers = Waivers::parse(&text, today()).map_err(refused)?;
    Ok((text, waivers))
}

/// `--waivers FILE`, read and announced; none without it.
pub fn load(path: Option<&Path>) -> Result<Waivers, Fail> {
    let Some(path) = path else {
        return Ok(Waivers::default());
    };
    let (_, waivers) = read(path)?;
    let expired = waivers.list.iter().filter(|w| !w.in_force(today())).count();
    println!(
        "waivers: {} from {}{}",
        waivers.list.len(),
        path.display(),
        match expired {
            0 => String::new(),
            n => format!(" ({n} expired: ignored, they waive nothing)"),
        }
    );
    Ok(waivers)
}

/// `waivers renew FILE --from REPORT --until DATE`.
pub fn renew(file: &Path, from: &Path, until: &str) -> Result<ExitCode, Fail> {
    let today = today();
    let until = parse_date(until).map_err(|e| Fail::cannot_check(format_args!("--until: {e}")))?;
    let latest = one_year_after(today);
    if until > latest || until < today {
        return Err(Fail::cannot_check(format_args!(
            "--until {}: a waiver is renewed from today ({}) for at most a year (until {})",
            format_date(until),
            format_date(today),
            format_date(latest)
        )));
    }
    let (text, waivers) = read(file)?;
    let results = Results::load(from).map_err(Fail::cannot_check)?;
    let mut renewed = Vec::new();
    for (i, w) in waivers.list.iter().enumerate() {
        let seen = results
            .scenarios
            .iter()
            .find(|s| (s.findings.iter()).any(|f| w.matches(&s.id, &f.expectation, &f.problem)));
        match seen {
            Some(s) => {
                println!(
                    "renewed {}: expires {} → {} (the report shows its deviation in {})",
                    w.label(i),
                    format_date(w.expires),
                    format_date(until),
                    s.id
                );
                renewed.push(i + 1);
            }
            None => println!(
                "kept {}: expires {} (the report does not show its deviation)",
                w.label(i),
                format_date(w.expires)
            ),
        }
    }
    if renewed.is_empty() {
        println!("nothing renewed: {} is unchanged", file.display());
        return Ok(ExitCode::SUCCESS);
    }
    let new_text = renew_text(&text, &renewed, until).map_err(Fail::cannot_check)?;
    // What is written must read back as the same waivers, only those expiries moved.
    let expected: Vec<_> = (waivers.list.iter().cloned().enumerate())
        .map(|(i, mut w)| {
            if renewed.contains(&(i + 1)) {
                w.expires = until;
            }
            w
        })
        .collect();
    match Waivers::parse(&new_text, today) {
        Ok(read_back) if read_back.list == expected => {}
        _ => {
            return Err(Fail::error(
                1,
                format_args!(
                    "{} could not be rewritten safely (its `expires` lines are not one per \
                     waiver): nothing was written",
                    file.display()
                ),
            ));
        }
    }
    std::fs::write(file, new_text)
        .map_err(|e| Fail::error(1, format_args!("cannot write {}: {e}", file.display())))?;
    println!(
        "{}: {} of {} waivers renewed until {}",
        file.display(),
        renewed.len(),
        waivers.list.len(),
        format_date(until)
    );
    Ok(ExitCode::SUCCESS)
}
