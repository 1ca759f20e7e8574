//! A step, declared once, as data: its keyword and text (a cucumber expression), how many calls
//! it records, and what it does — states the world, makes calls, or judges the answers. The run
//! registers every declaration with cucumber ([`super::register`]); `verify --rejudge` replays the
//! same declarations on a report's recorded exchanges (`suite::rejudge`): a Then step's check is
//! one function of the answers, called by both.

use futures::future::LocalBoxFuture;

use super::judging::Judging;
use crate::client::WireForm;
use crate::format::Format;
use crate::suite::verdict::Findings;
use crate::suite::world::SuiteWorld;

/// What a step does in a run; `Err` fails the step with the text.
pub type Future<'a> = LocalBoxFuture<'a, Result<(), String>>;

/// A step's action in a run: the scenario's world and the step's arguments.
pub type Act = for<'a> fn(&'a mut SuiteWorld, &'a Args) -> Future<'a>;

/// A change to the world a scenario states, made before its first call.
pub type State = fn(&mut SuiteWorld, &Args) -> Result<(), String>;

/// A Then step's check: what the answers yield, from the answers alone. `Err`: the step cannot
/// judge as written (no answer yet, a table it cannot read).
pub type Check = fn(&Judging, &Args) -> Result<Findings, String>;

/// Given, When or Then.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Keyword {
    Given,
    When,
    Then,
}

/// How many calls a step records (its preparatory calls aside, which are marked `setup`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Calls {
    None,
    Fixed(usize),
    /// As many as its `{int}` argument at this index says.
    Counted(usize),
}

/// What a step does.
#[derive(Clone, Copy)]
pub enum Does {
    /// States the scenario's world: judges nothing.
    State(State),
    /// Makes calls (a When step's, or a Given step's preparatory ones): judges nothing.
    Act(Act),
    /// Judges the answers: `before` makes the calls it needs besides (kept aside, not as the
    /// scenario's answers); a finding that counts ends the scenario, unless the step `goes_on`.
    Judge {
        before: Option<Act>,
        check: Check,
        goes_on: bool,
    },
    /// Looks at the target's world after the calls and records findings of `expectation`: only
    /// a run can look, so `verify --rejudge` takes those findings as recorded.
    Observe { expectation: &'static str, act: Act },
}

/// One step, declared.
#[derive(Clone, Copy)]
pub struct Step {
    pub keyword: Keyword,
    /// A cucumber expression: literal text, and `{string}`, `{int}`, `{word}` or one of the
    /// suite's [`PARAMETERS`].
    pub text: &'static str,
    pub calls: Calls,
    pub does: Does,
}

impl std::fmt::Debug for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} {}", self.keyword, self.text)
    }
}

impl Step {
    /// A Given step: it states the world.
    pub const fn given(text: &'static str, state: State) -> Self {
        Self {
            keyword: Keyword::Given,
            text,
            calls: Calls::None,
            does: Does::State(state),
        }
    }

    /// A Given step that prepares the state by calls of its own (marked `setup`).
    pub const fn given_by_calls(text: &'static str, act: Act) -> Self {
        Self {
            keyword: Keyword::Given,
            text,
            calls: Calls::None,
            does: Does::Act(act),
        }
    }

    /// A When step: it makes `calls`.
    pub const fn when(text: &'static str, calls: Calls, act: Act) -> Self {
        Self {
            keyword: Keyword::When,
            text,
            calls,
            does: Does::Act(act),
        }
    }

    /// A Then step that judges the answers so far.
    pub const fn then(text: &'static str, check: Check) -> Self {
        Self {
            keyword: Keyword::Then,
            text,
            calls: Calls::None,
            does: Does::Judge {
                before: None,
                check,
                goes_on: false,
            },
        }
    }

    /// A Then step that first makes `calls` aside (`before`), then judges.
    pub const fn then_after(text: &'static str, calls: Calls, before: Act, check: Check) -> Self {
        Self {
            keyword: Keyword::Then,
            text,
            calls,
            does: Does::Judge {
                before: Some(before),
                check,
                goes_on: false,
            },
        }
    }

    /// A Then step that looks at the target's world, recording findings of `expectation`.
    pub const fn observe(text: &'static str, expectation: &'static str, act: Act) -> Self {
        Self {
            keyword: Keyword::Then,
            text,
            calls: Calls::None,
            does: Does::Observe { expectation, act },
        }
    }

    /// The same step, whose findings never end the scenario: the steps after it still judge.
    pub const fn going_on(self) -> Self {
        let does = match self.does {
            Does::Judge { before, check, .. } => Does::Judge {
                before,
                check,
                goes_on: true,
            },
            other => other,
        };
        Self { does, ..self }
    }

    /// How many calls it records with these arguments.
    pub fn calls_with(&self, args: &Args) -> Result<usize, String> {
        match self.calls {
            Calls::None => Ok(0),
            Calls::Fixed(n) => Ok(n),
            Calls::Counted(i) => args.int(i),
        }
    }

    /// Its text as an anchored regular expression, one group per argument.
    pub fn regex(&self) -> Result<String, String> {
        let mut out = String::from("^");
        let mut rest = self.text;
        while let Some(open) = rest.find('{') {
            out.push_str(&escape(&rest[..open]));
            let close = (rest[open..].find('}'))
                .ok_or_else(|| format!("`{}`: an unclosed {{", self.text))?;
            let name = &rest[open + 1..open + close];
            let group = PARAMETERS
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, g)| *g)
                .ok_or_else(|| format!("`{}`: no parameter {{{name}}}", self.text))?;
            out.push_str(group);
            rest = &rest[open + close + 1..];
        }
        out.push_str(&escape(rest));
        out.push('$');
        Ok(out)
    }
}

/// Every parameter a step's text may take, with what it matches: one group, the argument (a
/// `{string}` without its quotes).
pub const PARAMETERS: &[(&str, &str)] = &[
    ("string", r#""([^"]*)""#),
    ("int", r"(-?\d+)"),
    ("word", r"([^\s]+)"),
    ("format", "(XML|JSON)"),
    ("wire_form", "(V1 GET|V1 POST query|V1 POST form|V3)"),
    ("disk_status", "([A-Za-z_]+)"),
    ("instance_status", "([A-Za-z_]+)"),
    ("snapshot_status", "([A-Za-z_]+)"),
    ("lock_reason", "([A-Za-z_]+)"),
];

/// `text` with what a regular expression reads as syntax escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A step's arguments: the values its text captured, in order (a `{string}` without its
/// quotes), and its table's rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args {
    pub values: Vec<String>,
    pub table: Vec<Vec<String>>,
}

impl Args {
    /// The argument at `i`, as captured.
    pub fn text(&self, i: usize) -> Result<&str, String> {
        (self.values.get(i).map(String::as_str))
            .ok_or_else(|| format!("the step has no argument {i}"))
    }

    /// The argument at `i`, parsed.
    pub fn get<T: std::str::FromStr>(&self, i: usize) -> Result<T, String>
    where
        T::Err: std::fmt::Display,
    {
        let text = self.text(i)?;
        text.parse()
            .map_err(|e: T::Err| format!("argument {i} {text:?}: {e}"))
    }

    pub fn int(&self, i: usize) -> Result<usize, String> {
        self.get(i)
    }

    pub fn format(&self, i: usize) -> Result<Format, String> {
        self.get(i)
    }

    pub fn wire_form(&self, i: usize) -> Result<WireForm, String> {
        self.get(i)
    }

    /// The first cell of each row of the step's table.
    pub fn column(&self) -> Vec<&str> {
        (self.table.iter())
            .filter_map(|r| r.first().map(String::as_str))
            .collect()
    }
}
