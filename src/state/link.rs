//! Playground links: import of the original's URL hash and export in its own format.
//!
//! The original serialises a fixed list of properties in a fixed order (`name=value` joined by
//! `&`, numbers as JavaScript prints them, `null` properties left out), then its `_hide` flags.
//! Import follows its deserialiser: a key with an empty value keeps the default, booleans are
//! true unless `false`, the last of repeated keys wins. Where the original would silently run
//! with garbage (`learningRate=abc` is NaN there), we refuse with a message naming key and value.

use super::{Experiment, Problem};
use crate::data::{Dataset, Feature};
use crate::jsnum;
use crate::nn::{Activation, MAX_HIDDEN_LAYERS, MAX_WIDTH, Regularization};
use std::collections::HashMap;
use thiserror::Error;

pub const PLAYGROUND_URL: &str = "https://playground.tensorflow.org/#";

const HIDE_SUFFIX: &str = "_hide";

/// Every key the original writes, in its serialisation order.
const KNOWN_KEYS: [&str; 27] = [
    "activation",
    "regularization",
    "batchSize",
    "dataset",
    "regDataset",
    "learningRate",
    "regularizationRate",
    "noise",
    "networkShape",
    "seed",
    "showTestData",
    "discretize",
    "percTrainData",
    "x",
    "y",
    "xTimesY",
    "xSquared",
    "ySquared",
    "cosX",
    "sinX",
    "cosY",
    "sinY",
    "collectStats",
    "tutorial",
    "problem",
    "initZero",
    "hideText",
];

#[derive(Debug, Error, PartialEq, Eq)]
pub enum LinkError {
    #[error("bad link value `{key}={value}`: {reason}")]
    BadValue { key: String, value: String, reason: String },
}

fn bad(key: &str, value: &str, reason: impl Into<String>) -> LinkError {
    LinkError::BadValue { key: key.into(), value: value.into(), reason: reason.into() }
}

/// An imported experiment and what was odd about the link (for stderr).
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    pub experiment: Experiment,
    pub warnings: Vec<String>,
}

/// The hash's `name -> value` map with the original's semantics, and the order keys came in.
struct Entries<'a> {
    map: HashMap<&'a str, Option<&'a str>>,
    order: Vec<&'a str>,
    /// The raw text after the first `=`, for keys we keep verbatim.
    raw: HashMap<&'a str, Option<&'a str>>,
}

impl<'a> Entries<'a> {
    fn parse(hash: &'a str) -> Self {
        let mut e = Entries { map: HashMap::new(), order: Vec::new(), raw: HashMap::new() };
        for part in hash.split('&').filter(|p| !p.is_empty()) {
            // `let [name, value] = part.split("=")`: the value stops at a second `=`.
            let mut it = part.split('=');
            let name = it.next().unwrap_or_default();
            let value = it.next();
            if e.map.insert(name, value).is_none() {
                e.order.push(name);
            }
            e.raw.insert(name, part.split_once('=').map(|(_, v)| v));
        }
        e
    }

    /// The original's `hasKey`: present with a non-blank value.
    fn value(&self, key: &str) -> Option<&'a str> {
        self.map.get(key).copied().flatten().filter(|v| !v.trim().is_empty())
    }

    fn number(&self, key: &str) -> Result<Option<f64>, LinkError> {
        let Some(v) = self.value(key) else { return Ok(None) };
        let n = jsnum::parse(v);
        if !n.is_finite() {
            return Err(bad(key, v, "expected a finite number"));
        }
        Ok(Some(n))
    }

    fn boolean(&self, key: &str, warnings: &mut Vec<String>) -> Option<bool> {
        let v = self.value(key)?;
        if v != "true" && v != "false" {
            warnings.push(format!("`{key}={v}` is not true/false; taken as true, as the playground does"));
        }
        Some(v != "false")
    }

    fn choice<T>(&self, key: &str, parse: impl Fn(&str) -> Option<T>, choices: &str) -> Result<Option<T>, LinkError> {
        let Some(v) = self.value(key) else { return Ok(None) };
        parse(v).map(Some).ok_or_else(|| bad(key, v, format!("expected one of {choices}")))
    }
}

fn parse_shape(v: &str) -> Result<Vec<usize>, LinkError> {
    const KEY: &str = "networkShape";
    if v.trim().is_empty() {
        return Ok(Vec::new());
    }
    let shape = v
        .split(',')
        .map(|w| {
            let n = jsnum::parse(w);
            if n.fract() != 0.0 || !(1.0..=MAX_WIDTH as f64).contains(&n) {
                Err(bad(KEY, v, format!("layer width `{w}` is not a whole number from 1 to {MAX_WIDTH}")))
            } else {
                Ok(n as usize)
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    if shape.len() > MAX_HIDDEN_LAYERS {
        return Err(bad(KEY, v, format!("{} hidden layers; at most {MAX_HIDDEN_LAYERS} are supported", shape.len())));
    }
    Ok(shape)
}

/// The part of `text` after `#`, or all of it for a bare hash.
fn hash_of(text: &str) -> &str {
    let t = text.trim();
    match t.find('#') {
        Some(i) => &t[i + 1..],
        None => t,
    }
}

impl Experiment {
    /// Imports a playground URL (`https://playground.tensorflow.org/#...`) or a bare hash.
    pub fn from_link(text: &str) -> Result<Imported, LinkError> {
        let entries = Entries::parse(hash_of(text));
        let mut warnings = Vec::new();
        let mut e = Experiment::with_seed(String::new());

        if let Some(a) = entries.choice("activation", Activation::from_key, "relu, tanh, sigmoid, linear")? {
            e.activation = a;
        }
        let reg = |s: &str| match s {
            "none" => Some(None),
            "L1" => Some(Some(Regularization::L1)),
            "L2" => Some(Some(Regularization::L2)),
            _ => None,
        };
        if let Some(r) = entries.choice("regularization", reg, "none, L1, L2")? {
            e.regularization = r;
        }
        if let Some(b) = entries.number("batchSize")? {
            if b.fract() != 0.0 || b < 1.0 {
                return Err(bad(
                    "batchSize",
                    entries.value("batchSize").unwrap_or_default(),
                    "expected a whole number of at least 1",
                ));
            }
            e.batch_size = b as usize;
        }
        let classify = |s: &str| Dataset::from_key(s).filter(|d| !d.is_regression());
        if let Some(d) = entries.choice("dataset", classify, "circle, xor, gauss, spiral")? {
            e.dataset = d;
        }
        let regress = |s: &str| Dataset::from_key(s).filter(|d| d.is_regression());
        if let Some(d) = entries.choice("regDataset", regress, "reg-plane, reg-gauss")? {
            e.reg_dataset = d;
        }
        if let Some(v) = entries.number("learningRate")? {
            e.learning_rate = v;
        }
        if let Some(v) = entries.number("regularizationRate")? {
            e.regularization_rate = v;
        }
        if let Some(v) = entries.number("noise")? {
            if v < 0.0 {
                return Err(bad("noise", entries.value("noise").unwrap_or_default(), "noise cannot be negative"));
            }
            e.noise = v;
        }
        match entries.map.get("networkShape") {
            Some(Some(v)) => e.network_shape = parse_shape(v)?,
            Some(None) => warnings.push("`networkShape` has no `=value`; keeping the default [4,2]".into()),
            None => {}
        }
        match entries.value("seed") {
            Some(s) => e.seed = s.to_string(),
            None => {
                e.seed = crate::seedrandom::fresh_seed();
                warnings.push(format!("the link has no seed; drew the fresh seed {}", e.seed));
            }
        }
        if let Some(b) = entries.boolean("showTestData", &mut warnings) {
            e.show_test_data = b;
        }
        if let Some(b) = entries.boolean("discretize", &mut warnings) {
            e.discretize = b;
        }
        if let Some(v) = entries.number("percTrainData")? {
            if !(0.0..=100.0).contains(&v) {
                return Err(bad(
                    "percTrainData",
                    entries.value("percTrainData").unwrap_or_default(),
                    "expected a percentage from 0 to 100",
                ));
            }
            e.perc_train_data = v;
        }
        for f in Feature::ALL {
            if let Some(b) = entries.boolean(f.key(), &mut warnings) {
                e.features.set(f, b);
            }
        }
        for (key, slot) in [
            ("cosX", &mut e.cos_x),
            ("cosY", &mut e.cos_y),
            ("collectStats", &mut e.collect_stats),
            ("initZero", &mut e.init_zero),
            ("hideText", &mut e.hide_text),
        ] {
            if let Some(b) = entries.boolean(key, &mut warnings) {
                *slot = b;
            }
        }
        if let Some(t) = entries.value("tutorial") {
            e.tutorial = Some(t.to_string());
        }
        let problem = |s: &str| match s {
            "classification" => Some(Problem::Classification),
            "regression" => Some(Problem::Regression),
            _ => None,
        };
        if let Some(p) = entries.choice("problem", problem, "classification, regression")? {
            e.problem = p;
        }

        for &name in &entries.order {
            if KNOWN_KEYS.contains(&name) {
                continue;
            }
            if name.ends_with(HIDE_SUFFIX) {
                let on = entries.map.get(name).copied().flatten() == Some("true");
                e.hidden_controls.push((name.to_string(), on));
            } else {
                warnings.push(format!("unknown link key `{name}`: kept as it is and written back"));
                e.unknown.push((name.to_string(), entries.raw.get(name).copied().flatten().map(str::to_string)));
            }
        }
        Ok(Imported { experiment: e, warnings })
    }

    /// The hash the original's `State.serialize()` would write for this state (without `#`).
    pub fn to_hash(&self) -> String {
        let b = |v: bool| if v { "true" } else { "false" };
        let mut props: Vec<String> = Vec::with_capacity(KNOWN_KEYS.len() + 8);
        let mut push = |k: &str, v: &str| props.push(format!("{k}={v}"));
        push("activation", self.activation.key());
        if let Some(r) = self.regularization {
            push("regularization", r.key());
        }
        push("batchSize", &self.batch_size.to_string());
        push("dataset", self.dataset.key());
        push("regDataset", self.reg_dataset.key());
        push("learningRate", &jsnum::to_string(self.learning_rate));
        push("regularizationRate", &jsnum::to_string(self.regularization_rate));
        push("noise", &jsnum::to_string(self.noise));
        let shape: Vec<String> = self.network_shape.iter().map(usize::to_string).collect();
        push("networkShape", &shape.join(","));
        push("seed", &self.seed);
        push("showTestData", b(self.show_test_data));
        push("discretize", b(self.discretize));
        push("percTrainData", &jsnum::to_string(self.perc_train_data));
        // The original's property order, which is not the network's input order.
        let f = |x: Feature| b(self.features.contains(x));
        push("x", f(Feature::X));
        push("y", f(Feature::Y));
        push("xTimesY", f(Feature::XTimesY));
        push("xSquared", f(Feature::XSquared));
        push("ySquared", f(Feature::YSquared));
        push("cosX", b(self.cos_x));
        push("sinX", f(Feature::SinX));
        push("cosY", b(self.cos_y));
        push("sinY", f(Feature::SinY));
        push("collectStats", b(self.collect_stats));
        if let Some(t) = &self.tutorial {
            push("tutorial", t);
        }
        push("problem", self.problem.key());
        push("initZero", b(self.init_zero));
        push("hideText", b(self.hide_text));
        for (k, v) in &self.unknown {
            // A kept key that came without `=` goes back without one.
            props.push(match v {
                Some(v) => format!("{k}={v}"),
                None => k.clone(),
            });
        }
        for (k, on) in &self.hidden_controls {
            props.push(format!("{k}={}", b(*on)));
        }
        props.join("&")
    }

    /// The canonical link: `https://playground.tensorflow.org/#` and [`Experiment::to_hash`].
    pub fn to_link(&self) -> String {
        format!("{PLAYGROUND_URL}{}", self.to_hash())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn import(s: &str) -> Experiment {
        Experiment::from_link(s).expect("valid link").experiment
    }

    #[test]
    fn defaults_and_round_trip() {
        let e = Experiment::with_seed("0.12345");
        let back = import(&e.to_link());
        assert_eq!(back, e);
        assert_eq!(e.learning_rate, 0.03);
        assert_eq!(e.network_shape, vec![4, 2]);
        assert_eq!(e.batch_size, 10);
        assert_eq!(e.perc_train_data, 50.0);
        assert!(!e.to_hash().contains("regularization="), "none is left out");
    }

    #[test]
    fn understands_every_key() {
        let e = import(
            "https://playground.tensorflow.org/#activation=relu&regularization=L1&batchSize=31&dataset=spiral\
             &regDataset=reg-gauss&learningRate=0.02&regularizationRate=0.3&noise=80&networkShape=\
             &seed=ab%20c&showTestData=true&discretize=true&percTrainData=70&x=false&y=true&xTimesY=true\
             &xSquared=true&ySquared=true&cosX=true&sinX=true&cosY=false&sinY=true&collectStats=true\
             &tutorial=intro&problem=regression&initZero=true&hideText=true&activation_hide=true&noise_hide=false",
        );
        assert_eq!(e.activation, Activation::Relu);
        assert_eq!(e.regularization, Some(Regularization::L1));
        assert_eq!(e.batch_size, 31);
        assert_eq!(e.dataset, Dataset::Spiral);
        assert_eq!(e.reg_dataset, Dataset::RegGauss);
        assert_eq!(e.active_dataset(), Dataset::RegGauss);
        assert_eq!(e.learning_rate, 0.02);
        assert_eq!(e.noise, 80.0);
        assert!(e.network_shape.is_empty());
        assert_eq!(e.seed, "ab%20c", "kept raw, as the browser hands it over");
        assert!(e.show_test_data && e.discretize && e.cos_x && !e.cos_y && e.collect_stats);
        assert!(e.init_zero && e.hide_text);
        assert_eq!(e.perc_train_data, 70.0);
        assert_eq!(e.features.len(), 6);
        assert!(!e.feature(Feature::X));
        assert_eq!(e.tutorial.as_deref(), Some("intro"));
        assert_eq!(e.problem, Problem::Regression);
        assert_eq!(e.hidden_controls, vec![("activation_hide".into(), true), ("noise_hide".into(), false)]);
        let again = import(&e.to_link());
        assert_eq!(again, e);
    }

    #[test]
    fn unknown_keys_warn_and_survive() {
        let imp = Experiment::from_link("seed=1&fancy=yes&bare&x=true").unwrap();
        assert_eq!(imp.warnings.len(), 2, "{:?}", imp.warnings);
        let hash = imp.experiment.to_hash();
        assert!(hash.ends_with("hideText=false&fancy=yes&bare"), "{hash}");
    }

    #[test]
    fn odd_but_runnable_values_are_kept() {
        let e = import("seed=s&networkShape=8,8,8,8,8,8,8,8,8,8&batchSize=31&noise=80&learningRate=0.02");
        assert_eq!(e.network_shape, vec![8; 10]);
        let h = e.to_hash();
        assert!(h.contains("batchSize=31&") && h.contains("noise=80&") && h.contains("learningRate=0.02&"), "{h}");
        assert!(import("seed=s&learningRate=1e-7").to_hash().contains("learningRate=1e-7&"));
        // An empty value keeps the default, as in the original.
        assert_eq!(import("seed=s&learningRate=").learning_rate, 0.03);
    }

    #[test]
    fn bad_values_name_key_and_value() {
        for (link, key, value) in [
            ("learningRate=abc", "learningRate", "abc"),
            ("networkShape=4,x", "networkShape", "4,x"),
            ("networkShape=4,0", "networkShape", "4,0"),
            ("networkShape=2.5", "networkShape", "2.5"),
            ("batchSize=0", "batchSize", "0"),
            ("batchSize=1.5", "batchSize", "1.5"),
            ("networkShape=100000", "networkShape", "100000"),
            ("learningRate=NaN", "learningRate", "NaN"),
            ("noise=Infinity", "noise", "Infinity"),
            ("percTrainData=120", "percTrainData", "120"),
            ("activation=swish", "activation", "swish"),
            ("dataset=reg-plane", "dataset", "reg-plane"),
            ("problem=ranking", "problem", "ranking"),
        ] {
            let err = Experiment::from_link(&format!("seed=1&{link}")).unwrap_err();
            let LinkError::BadValue { key: k, value: v, .. } = &err;
            assert_eq!((k.as_str(), v.as_str()), (key, value), "{link}");
            let msg = err.to_string();
            assert!(msg.contains(key) && msg.contains(value), "{msg}");
        }
        let too_deep = vec!["2"; MAX_HIDDEN_LAYERS + 1].join(",");
        assert!(Experiment::from_link(&format!("networkShape={too_deep}")).is_err());
    }

    #[test]
    fn missing_seed_draws_one() {
        let imp = Experiment::from_link("https://playground.tensorflow.org/#").unwrap();
        assert_eq!(imp.experiment.seed.len(), 7);
        assert_eq!(imp.warnings.len(), 1);
    }
}
