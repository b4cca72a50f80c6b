//! Start times spread over a window, one per server.

use crate::domain::{DomainError, TimeOfDay};

/// Start times spread over `from`..`to` (not crossing midnight), one per server in the order
/// given: the i-th of n starts `i * (to - from) / n` minutes after `from`. The same servers in
/// the same order always get the same times.
pub fn stagger(
    count: usize,
    from: TimeOfDay,
    to: TimeOfDay,
) -> Result<Vec<TimeOfDay>, DomainError> {
    let (a, b) = (i64::from(from.minutes()), i64::from(to.minutes()));
    if b <= a {
        return Err(DomainError::Time(format!(
            "the stagger window {from}-{to} must end after it starts, on the same day"
        )));
    }
    let width = b - a;
    Ok((0..count as i64)
        .map(|i| TimeOfDay::from_minutes(a + i * width / count.max(1) as i64))
        .collect())
}
