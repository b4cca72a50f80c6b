//! A stagger window may cross midnight (`23:00` to `01:00`, the most common backup window):
//! property tests of the spreading for any window, and a key replay of the bulk form that
//! plans 23:00, 23:30, 00:00, 00:30 with the starts after midnight on the next days.

use crate::common::tui::*;

use bsched::domain::plan::{stagger, stagger_starts, window_minutes};
use bsched::domain::{TimeOfDay, Weekdays};
use bsched::tui::layers::form::Form;
use bsched::tui::layers::plan::PlanScreen;
use crossterm::event::KeyCode;
use proptest::prelude::*;

const DAY: i64 = 24 * 60;

fn at(m: i64) -> TimeOfDay {
    TimeOfDay::from_minutes(m)
}

proptest! {
    /// Every start lies in the window (start included, end excluded), crossing midnight or
    /// not; the starts go forward through the window; the ones past midnight, and only they,
    /// run the next day; the same window gives the same starts.
    #[test]
    fn every_staggered_time_lies_within_the_window(
        from in 0i64..DAY,
        to in 0i64..DAY,
        count in 1usize..400,
    ) {
        let (from, to) = (at(from), at(to));
        let result = stagger_starts(count, from, to);
        if from == to {
            prop_assert!(result.is_err());
            prop_assert!(window_minutes(from, to).is_err());
            return Ok(());
        }
        let starts = result.expect("a window that does not end where it starts");
        prop_assert_eq!(starts.len(), count);
        let width = window_minutes(from, to).expect("valid");
        let f = i64::from(from.minutes());
        let mut last = -1;
        for s in &starts {
            let offset = (i64::from(s.time.minutes()) - f).rem_euclid(DAY);
            prop_assert!(offset < width, "{} outside {}-{}", s.time, from, to);
            prop_assert!(offset >= last, "starts go forward");
            last = offset;
            prop_assert_eq!(s.next_day, f + offset >= DAY);
        }
        prop_assert_eq!(starts[0].time, from);
        prop_assert_eq!(stagger(count, from, to).expect("valid"),
            starts.iter().map(|s| s.time).collect::<Vec<_>>());
        prop_assert_eq!(stagger_starts(count, from, to).expect("valid"), starts);
    }

    /// A start's days are the window's days, or each one day later past midnight: the same
    /// number of days, Sunday wrapping to Monday.
    #[test]
    fn a_start_after_midnight_runs_on_the_next_day_of_each(bits in 1u8..128, count in 1usize..50) {
        let days = Weekdays::from_bits(bits);
        for s in stagger_starts(count, at(22 * 60), at(2 * 60)).expect("valid") {
            let ran = s.days(days);
            prop_assert_eq!(ran.len(), days.len());
            prop_assert_eq!(ran == days.shifted(1), s.next_day || days == days.shifted(1));
        }
    }
}

fn drawn(app: &bsched::tui::app::App) -> String {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(140, 30)).unwrap();
    t.draw(|f| app.draw(bsched::tui::ui::Theme::new(true), f))
        .unwrap();
    t.backend().to_string()
}

#[test]
fn the_bulk_form_plans_a_window_across_midnight_and_refuses_one_that_ends_where_it_starts() {
    let mut app = loaded();
    // Four servers, marked one by one from the top.
    press(&mut app, [key(KeyCode::Home)]);
    press(&mut app, [ch(' '), ch(' '), ch(' '), ch(' ')]);
    press(&mut app, [ch('A')]);
    assert_eq!(
        app.layers.get::<Form>().expect("bulk form").targets.len(),
        4
    );
    press(&mut app, typed("late"));
    press(&mut app, [key(KeyCode::Tab), ch('w'), key(KeyCode::Tab)]);
    press(&mut app, typed("2300"));
    press(&mut app, [key(KeyCode::Tab)]);
    press(&mut app, typed("2300"));
    assert!(press(&mut app, [key(KeyCode::Enter)]).is_empty());
    let error = app.layers.get::<Form>().unwrap().error.clone().unwrap();
    assert!(error.contains("ends where it starts"), "{error}");
    assert!(!app.layers.is_open::<PlanScreen>());

    press(&mut app, typed("0100"));
    // The form says how the window spreads, and that the starts past midnight run a day later.
    let screen = drawn(&app);
    assert!(
        screen.contains("4 starts from 23:00 to 01:00, ~30 min apart,"),
        "{screen}"
    );
    assert!(
        screen.contains("the ones after 00:00 the next day"),
        "{screen}"
    );
    assert!(
        press(&mut app, [key(KeyCode::Enter)]).is_empty(),
        "nothing is sent before the plan is read"
    );
    let plan = app.layers.get::<PlanScreen>().expect("the plan screen");
    let rows: Vec<(String, String)> = plan
        .rows
        .iter()
        .filter(|r| r.change.is_change())
        .map(|r| (r.spec.time().to_string(), r.spec.days().display()))
        .collect();
    assert_eq!(
        rows,
        [
            ("23:00".to_string(), "Mon-Fri".to_string()),
            ("23:30".to_string(), "Mon-Fri".to_string()),
            ("00:00".to_string(), "Tue-Sat".to_string()),
            ("00:30".to_string(), "Tue-Sat".to_string()),
        ]
    );
    // The plan screen names the other days of the starts after midnight.
    let screen = drawn(&app);
    assert!(screen.contains("Tue-Sat 00:30"), "{screen}");
}
