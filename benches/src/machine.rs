//! The machine the figures were measured on, recorded with them: logical cores, CPU model, OS.

use std::fmt;
use std::fs;
use std::thread;

use serde::{Deserialize, Serialize};

/// What the figures depend on: how many cores there were and of what kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Machine {
    /// Logical cores available to this process (`std::thread::available_parallelism`).
    pub logical_cores: usize,
    /// The CPU model from `/proc/cpuinfo`, or `unknown` where there is none.
    pub cpu: String,
    /// The operating system, as `std::env::consts::OS` names it.
    pub os: String,
    /// The CPU architecture, as `std::env::consts::ARCH` names it.
    pub arch: String,
}

impl Machine {
    /// Describes the machine this process runs on.
    pub fn detect() -> Machine {
        let cpu = fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|text| cpu_model(&text))
            .unwrap_or_else(|| "unknown".to_owned());
        Machine {
            logical_cores: logical_cores(),
            cpu,
            os: std::env::consts::OS.to_owned(),
            arch: std::env::consts::ARCH.to_owned(),
        }
    }
}

impl fmt::Display for Machine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} logical cores, {}, {} {}",
            self.logical_cores, self.cpu, self.os, self.arch
        )
    }
}

/// Logical cores available to this process (`std::thread::available_parallelism`, which
/// heeds CPU affinity and cgroup quotas), at least one.
pub fn logical_cores() -> usize {
    thread::available_parallelism().map_or(1, |cores| cores.get())
}

/// The CPU model named in the text of `/proc/cpuinfo`: `model name` on x86, `Model` or
/// `Hardware` on ARM boards, `cpu` on POWER.
fn cpu_model(cpuinfo: &str) -> Option<String> {
    ["model name", "Model", "Hardware", "cpu"]
        .iter()
        .find_map(|wanted| {
            cpuinfo.lines().find_map(|line| {
                let (key, value) = line.split_once(':')?;
                (key.trim() == *wanted && !value.trim().is_empty()).then(|| value.trim().to_owned())
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_x86_model_name() {
        let text = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu\n";
        assert_eq!(cpu_model(text).as_deref(), Some("AMD EPYC 7B13"));
    }

    #[test]
    fn falls_back_to_the_board_model_on_arm() {
        let text = "processor\t: 0\nBogoMIPS\t: 108.00\nCPU part\t: 0xd08\n\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n";
        assert_eq!(
            cpu_model(text).as_deref(),
            Some("Raspberry Pi 4 Model B Rev 1.4")
        );
    }

    #[test]
    fn finds_nothing_in_an_empty_file() {
        assert_eq!(cpu_model(""), None);
    }

    #[test]
    fn detects_at_least_one_core() {
        let machine = Machine::detect();
        assert!(machine.logical_cores >= 1);
        assert!(!machine.cpu.is_empty());
    }
}
