//! `--svg`: one chart per pair, throughput against threads for the flagged shape and the fix,
//! drawn with plotters' SVG backend. Points taken on a busy machine are drawn hollow.

use std::path::Path;

use anyhow::{Context, Result};
use plotters::prelude::*;

use crate::machine::Machine;
use crate::report::format_rate;
use crate::runner::PairReport;

const BEFORE_COLOUR: RGBColor = RGBColor(0xd6, 0x27, 0x28);
const AFTER_COLOUR: RGBColor = RGBColor(0x1f, 0x77, 0xb4);

/// Draws `pair`'s throughput against threads into the SVG file `path`.
pub fn write_chart(path: &Path, pair: &PairReport, machine: &Machine) -> Result<()> {
    draw(path, pair, machine).with_context(|| format!("cannot draw {}", path.display()))
}

fn draw(path: &Path, pair: &PairReport, machine: &Machine) -> Result<()> {
    let before: Vec<(f64, f64)> = pair
        .results
        .iter()
        .map(|result| (result.threads as f64, result.before_ops_per_sec))
        .collect();
    let after: Vec<(f64, f64)> = pair
        .results
        .iter()
        .map(|result| (result.threads as f64, result.after_ops_per_sec))
        .collect();
    let max_threads = before
        .iter()
        .map(|&(threads, _)| threads)
        .fold(1.0, f64::max);
    let max_rate = before
        .iter()
        .chain(&after)
        .map(|&(_, rate)| rate)
        .fold(1.0, f64::max);

    let busy: Vec<bool> = pair.results.iter().map(|result| result.busy).collect();
    let caption = if busy.contains(&true) {
        format!(
            "{}: throughput by threads (hollow: busy machine, not a result)",
            pair.lint
        )
    } else {
        format!("{}: throughput by threads", pair.lint)
    };

    let root = SVGBackend::new(path, (720, 440)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(caption, ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(80)
        .build_cartesian_2d(
            (0.8..max_threads * 1.25).log_scale().base(2.0),
            0.0..max_rate * 1.15,
        )?;
    chart
        .configure_mesh()
        .x_desc(format!("threads ({machine})"))
        .y_desc("work items per second")
        .x_label_formatter(&|threads| format!("{threads:.0}"))
        .y_label_formatter(&|rate| format_rate(*rate))
        .draw()?;

    for (label, colour, points) in [
        ("before (flagged)", BEFORE_COLOUR, before),
        ("after (fix)", AFTER_COLOUR, after),
    ] {
        chart
            .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))?
            .label(label)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], colour.stroke_width(2)));
        chart.draw_series(points.into_iter().zip(&busy).map(|(point, &busy)| {
            let style = if busy {
                colour.stroke_width(2)
            } else {
                colour.filled()
            };
            Circle::new(point, 4, style)
        }))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::Measurement;

    #[test]
    fn draws_both_sides_into_an_svg_file() {
        let pair = PairReport {
            lint: "mutex_scalar".into(),
            workload: "counting".into(),
            ops: 1000,
            results: [1, 2, 4]
                .into_iter()
                .map(|threads| Measurement {
                    threads,
                    before_ops_per_sec: 1e6 / threads as f64,
                    after_ops_per_sec: 2e6,
                    speedup: 2.0 * threads as f64,
                    speedup_min: 1.5,
                    speedup_max: 2.5,
                    cpu_share: Some(1.0),
                    others_share: Some(0.0),
                    busy: threads == 4,
                })
                .collect(),
        };
        let machine = Machine {
            logical_cores: 2,
            cpu: "Test CPU".into(),
            os: "linux".into(),
            arch: "x86_64".into(),
        };
        let path =
            std::env::temp_dir().join(format!("contention-chart-{}.svg", std::process::id()));
        write_chart(&path, &pair, &machine).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("mutex_scalar: throughput by threads (hollow: busy machine"));
        assert!(svg.contains("before (flagged)") && svg.contains("after (fix)"));
        assert!(svg.contains("<polyline"));
    }
}
