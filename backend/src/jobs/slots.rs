//! How many connections Ferry's jobs open to one server at once: the
//! site's `max_connections` for a server it lists, else
//! `[jobs] max_connections_per_server`. A job holds one connection on
//! each side for its whole run; it takes its two slots in a fixed order
//! (by server name), so two jobs can never each hold one slot the other
//! waits for.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The slots of every server.
#[derive(Clone)]
pub struct ServerSlots {
    default: usize,
    caps: Arc<HashMap<String, usize>>,
    servers: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
}

impl ServerSlots {
    /// `default` connections per server, or `caps[host:port]` for a
    /// listed one.
    pub fn new(default: usize, caps: HashMap<String, usize>) -> Self {
        Self {
            default: default.max(1),
            caps: Arc::new(caps),
            servers: Arc::default(),
        }
    }

    fn semaphore(&self, server: &str) -> Arc<Semaphore> {
        let mut servers = self
            .servers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        servers
            .entry(server.to_string())
            .or_insert_with(|| {
                let cap = self.caps.get(server).copied().unwrap_or(self.default);
                Arc::new(Semaphore::new(cap.max(1)))
            })
            .clone()
    }

    /// One slot on each of `servers` (`host:port`), taken in name order;
    /// held until the permits are dropped.
    pub async fn take(&self, servers: &[String]) -> Vec<OwnedSemaphorePermit> {
        let mut names: Vec<&String> = servers.iter().collect();
        names.sort();
        let mut permits = Vec::with_capacity(names.len());
        for name in names {
            if let Ok(permit) = self.semaphore(name).acquire_owned().await {
                permits.push(permit);
            }
        }
        permits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_server_gets_no_more_connections_than_its_cap() {
        let caps = HashMap::from([("big:993".to_string(), 2)]);
        let slots = ServerSlots::new(1, caps);
        let small = vec!["small:993".to_string()];
        let held = slots.take(&small).await;
        let waiting = tokio::time::timeout(Duration::from_millis(50), slots.take(&small)).await;
        assert!(
            waiting.is_err(),
            "a second connection to a server capped at one"
        );
        drop(held);
        assert_eq!(slots.take(&small).await.len(), 1);
        let big = vec!["big:993".to_string()];
        let (_a, _b) = (slots.take(&big).await, slots.take(&big).await);
        assert!(
            tokio::time::timeout(Duration::from_millis(50), slots.take(&big))
                .await
                .is_err()
        );
    }

    #[tokio::test]
    async fn two_jobs_between_the_same_servers_in_either_order_both_finish() {
        let slots = ServerSlots::new(1, HashMap::new());
        let one = vec!["a:993".to_string(), "b:993".to_string()];
        let other = vec!["b:993".to_string(), "a:993".to_string()];
        for _ in 0..50 {
            let (x, y) = (slots.clone(), slots.clone());
            let (one, other) = (one.clone(), other.clone());
            let both = async move {
                tokio::join!(async move { drop(x.take(&one).await) }, async move {
                    drop(y.take(&other).await)
                })
            };
            tokio::time::timeout(Duration::from_secs(1), both)
                .await
                .expect("no deadlock");
        }
    }
}
