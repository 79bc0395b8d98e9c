//! The `ferry` binary: parses the command line and runs a subcommand.

use anyhow::Context;
use clap::Parser;
use ferry_backend::cli::{Cli, Command, InspectArgs};
use ferry_backend::config::ServeConfig;
use ferry_backend::inspect::{Outcome, inspect_file, rules};
use ferry_shared::ParseLimits;
use std::io::Write;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match cli.command {
        Command::Serve(args) => {
            let config = ServeConfig::resolve(&args)?;
            let runtime = tokio::runtime::Runtime::new().context("cannot start the runtime")?;
            runtime.block_on(ferry_backend::server::serve(config, |addr| {
                // Printed on stdout, one line, so scripts and tests can read it.
                println!("Ferry is running at http://{addr}/");
                let _ = std::io::stdout().flush();
            }))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Sync(args) => {
            let runtime = tokio::runtime::Runtime::new().context("cannot start the runtime")?;
            match runtime.block_on(ferry_backend::sync_command::run(&args)) {
                Ok(report) => {
                    if args.json {
                        println!(
                            "{}",
                            serde_json::json!({ "event": "report", "report": report })
                        );
                    }
                    if args.dry {
                        for plan in &report.map.plans {
                            let note = if plan.create {
                                " (will be created)"
                            } else {
                                ""
                            };
                            eprintln!("{} → {}{note}", plan.source, plan.target);
                        }
                        for (folder, reason) in &report.map.skipped {
                            eprintln!("{folder}: skipped ({reason:?})");
                        }
                    } else if args.justlogin {
                        eprintln!("Logged in to both servers.");
                    } else {
                        eprintln!("{}", ferry_backend::sync_command::summary(&report));
                    }
                    Ok(if report.failed() == 0 {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::FAILURE
                    })
                }
                Err(err) => {
                    eprintln!("ferry sync: {err}");
                    Ok(ExitCode::from(2))
                }
            }
        }
        Command::Convert(args) => {
            let status = ferry_backend::convert_command::run(
                &args,
                &mut std::io::stdout().lock(),
                &mut std::io::stderr().lock(),
            );
            match status {
                Ok(code) => Ok(ExitCode::from(code)),
                Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
                Err(err) => Err(err.into()),
            }
        }
        Command::Import(args) => {
            let runtime = tokio::runtime::Runtime::new().context("cannot start the runtime")?;
            let status = runtime.block_on(ferry_backend::import::run(
                &args,
                &mut std::io::stdout().lock(),
                &mut std::io::stderr().lock(),
            ));
            match status {
                Ok(code) => Ok(ExitCode::from(code)),
                Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
                Err(err) => Err(err.into()),
            }
        }
        Command::Inspect(args) => match inspect(&args) {
            // `ferry inspect … | head` closes the pipe early: not an error.
            Err(err) if is_broken_pipe(&err) => Ok(ExitCode::SUCCESS),
            other => other,
        },
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(|json| json.io_error_kind())
                .is_some_and(|kind| kind == std::io::ErrorKind::BrokenPipe)
    })
}

fn inspect(args: &InspectArgs) -> anyhow::Result<ExitCode> {
    let limits = args.limits.apply_to(ParseLimits::default());
    let rules = match rules(&args.rules) {
        Ok(rules) => rules,
        Err(err) => {
            eprintln!("ferry inspect: {err}");
            return Ok(ExitCode::from(2));
        }
    };
    let results: Vec<_> = args
        .files
        .iter()
        .map(|f| inspect_file(f, &limits, &rules))
        .collect();
    let all_read = results
        .iter()
        .all(|r| matches!(r.outcome, Outcome::Report { .. }));
    let mut out = std::io::stdout().lock();
    if args.compact {
        serde_json::to_writer(&mut out, &results)?;
    } else {
        serde_json::to_writer_pretty(&mut out, &results)?;
    }
    writeln!(out)?;
    Ok(if all_read {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
