//! How often one step of an insert was tried against a busy server or
//! without an answer, against the limits of its protocol's options (EWS
//! and Graph count the same way).

/// The limits a protocol's options set.
pub trait TryLimits {
    /// Most busy answers to one step.
    fn max_busy_tries(&self) -> u32;
    /// Most lost exchanges (no usable answer) for one step.
    fn max_lost_tries(&self) -> u32;
    /// Who was busy, for the reason: "the server", "Graph".
    fn server_name(&self) -> &'static str;
}

/// How often one step was tried, against the limits.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tries {
    busy: u32,
    lost: u32,
}

impl Tries {
    /// Counts a busy answer: `Err` with the reason once the limit is reached.
    pub fn busy(&mut self, limits: &impl TryLimits) -> Result<(), String> {
        self.busy += 1;
        let limit = limits.max_busy_tries().max(1);
        if self.busy >= limit {
            return Err(format!(
                "{} was still busy after {limit} tries",
                limits.server_name()
            ));
        }
        Ok(())
    }

    /// Counts a lost exchange: `Err` with the reason once the limit is
    /// reached.
    pub fn lost(&mut self, reason: &str, limits: &impl TryLimits) -> Result<(), String> {
        self.lost += 1;
        let limit = limits.max_lost_tries().max(1);
        if self.lost >= limit {
            return Err(format!("no answer after {limit} tries: {reason}"));
        }
        Ok(())
    }
}
