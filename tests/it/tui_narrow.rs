//! The main screen's rows at every width from 60 to 200 columns: a schedule's days are never
//! cut (seven whole cells under `Mo Tu We Th Fr Sa Su`, or text such as `Sat,Sun`), the backup
//! flag is whole, ids show where there is room and always in the details, and a time in a
//! daylight-saving change is marked in its row.

use crate::common;

use bsched::domain::Weekdays;
use bsched::tui::app::App;
use bsched::tui::ui::Theme;
use common::tui::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const WIDTHS: [u16; 8] = [60, 64, 70, 76, 80, 100, 120, 200];

/// The screen as lines of cells (every symbol on these screens is one cell wide).
fn lines(app: &App, w: u16, h: u16) -> Vec<Vec<String>> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| app.draw(Theme::new(true), f)).unwrap();
    let buf = t.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect())
        .collect()
}

/// The inside of the schedules pane (the right one), line by line.
fn schedules_pane(screen: &[Vec<String>]) -> Vec<String> {
    let top = &screen[1];
    let start = (1..top.len())
        .find(|&x| top[x - 1] == "┐" && top[x] == "┌")
        .expect("two panes")
        + 1;
    let end = top.len() - 1;
    screen[2..screen.len() - 3]
        .iter()
        .map(|l| l[start..end].concat())
        .collect()
}

/// The inside of the servers pane (the left one), line by line.
fn servers_pane(screen: &[Vec<String>]) -> Vec<String> {
    let top = &screen[1];
    let end = (1..top.len())
        .find(|&x| top[x - 1] == "┐" && top[x] == "┌")
        .expect("two panes")
        - 1;
    screen[2..screen.len() - 3]
        .iter()
        .map(|l| l[1..end].concat())
        .collect()
}

fn text(screen: &[Vec<String>]) -> String {
    screen
        .iter()
        .map(|l| l.concat())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Where each of the seven day cells of `days` starts under the header, or the days as text:
/// asserts the row shows exactly `days`, whole.
fn assert_days(pane: &[String], row_start: &str, days: Weekdays, width: u16) {
    let header = &pane[0];
    let row = pane
        .iter()
        .find(|l| l.starts_with(row_start))
        .unwrap_or_else(|| panic!("at {width}: no row {row_start}:\n{}", pane.join("\n")));
    let chars = |s: &str| s.chars().collect::<Vec<char>>();
    let (h, r) = (chars(header), chars(row));
    if let Some(at) = header.find("Mo Tu We Th Fr Sa Su") {
        let at = header[..at].chars().count();
        assert!(at + 20 <= h.len(), "at {width}: the week is cut: {header}");
        for (i, d) in bsched::domain::DAYS.iter().enumerate() {
            let cell: String = r[at + 3 * i..at + 3 * i + 2].iter().collect();
            let want = if days.contains(*d) {
                d.title()[..2].to_string()
            } else {
                "· ".to_string()
            };
            assert_eq!(cell, want, "at {width}, {d:?} of {row_start}: {row}");
        }
    } else {
        let at = header
            .find("DAYS")
            .unwrap_or_else(|| panic!("at {width}: no days header: {header}"));
        let at = header[..at].chars().count();
        let shown: String = r[at..].iter().collect();
        assert!(
            shown.starts_with(&format!("{} ", days.display())),
            "at {width}: {row_start} shows {shown:?}, not {}",
            days.display()
        );
    }
}

#[test]
fn a_weekend_schedule_shows_saturday_and_sunday_at_every_width() {
    let mut app = loaded();
    press(&mut app, [ch('j')]); // db-primary: "morning" daily, "weekend full" Sat+Sun
    for w in WIDTHS {
        let screen = lines(&app, w, 24);
        let all = text(&screen);
        assert!(
            !all.contains("M T W T F S S"),
            "at {w}: single letters\n{all}"
        );
        let pane = schedules_pane(&screen);
        assert_days(&pane, "weeke", Weekdays::WEEKENDS, w);
        assert_days(&pane, "morni", Weekdays::ALL, w);
        // The two-letter header wherever seven cells fit with a name of six: 64 columns on.
        assert_eq!(
            pane[0].contains("Mo Tu We Th Fr Sa Su"),
            w >= 64,
            "at {w}: {}",
            pane[0]
        );
    }
}

#[test]
fn any_days_show_whole_as_cells_or_text() {
    let mut app = loaded();
    let odd = Weekdays::parse_user("mon,wed,fri,sun").unwrap();
    let list = &mut app.fleet.schedules.get_mut(&1).unwrap().list;
    list.as_mut().unwrap().schedules = vec![
        sched(401, 1, "odd d", odd, "01:00"),
        sched(402, 1, "workd", Weekdays::WORKDAYS, "02:00"),
        sched(
            403,
            1,
            "satur",
            Weekdays::parse_user("sat").unwrap(),
            "03:00",
        ),
    ];
    for w in WIDTHS.into_iter().chain([61, 62, 63, 65, 66, 67, 68, 69]) {
        let pane = schedules_pane(&lines(&app, w, 24));
        assert_days(&pane, "odd d", odd, w);
        assert_days(&pane, "workd", Weekdays::WORKDAYS, w);
        assert_days(&pane, "satur", Weekdays::parse_user("sat").unwrap(), w);
    }
}

#[test]
fn the_backup_flag_is_whole_at_every_width() {
    let app = loaded();
    let long = [
        "10h ago",
        "✗ missed",
        "16h ago",
        "unprotected",
        "unprotected",
    ];
    let short = ["10h", "missed", "16h", "none", "none"];
    for w in WIDTHS {
        let pane = servers_pane(&lines(&app, w, 24));
        let header = &pane[0];
        let at = header.find("BACKUP").expect("a BACKUP column");
        let at = header[..at].chars().count();
        for (i, row) in pane[1..6].iter().enumerate() {
            let cell: String = row.chars().skip(at).collect();
            let cell = cell.split("  ").next().unwrap_or("").trim_end().to_string();
            assert!(
                cell == long[i] || cell == short[i],
                "at {w}: row {i} shows {cell:?}: {row}"
            );
        }
    }
}

#[test]
fn ids_show_where_there_is_room_and_always_in_the_details() {
    let mut app = loaded();
    press(&mut app, [ch('j')]);
    for w in WIDTHS {
        let screen = lines(&app, w, 24);
        let sched = schedules_pane(&screen);
        assert!(
            sched
                .iter()
                .any(|l| l.contains("server id 2 · schedule id 302")),
            "at {w}:\n{}",
            sched.join("\n")
        );
        let servers = servers_pane(&screen);
        let has_id = |pane: &[String]| pane[0].split_whitespace().any(|h| h == "ID");
        // The lowest-priority column: only on a wide screen.
        assert_eq!(has_id(&servers), w >= 200, "at {w}: {}", servers[0]);
        assert_eq!(has_id(&sched), w >= 200, "at {w}: {}", sched[0]);
    }
    let wide = lines(&app, 200, 24);
    let sched = schedules_pane(&wide);
    let row = sched.iter().find(|l| l.starts_with("weeke")).unwrap();
    assert!(row.trim_end().ends_with("303"), "{row}");
    // A server with no schedule names its id too.
    press(&mut app, [ch('G')]);
    let pane = schedules_pane(&lines(&app, 80, 24));
    assert!(pane.iter().any(|l| l.contains("server id 5")), "{pane:?}");
}

#[test]
fn a_time_in_a_dst_change_is_marked_in_its_row_and_explained() {
    let mut app = loaded();
    app.session.zones.server = bsched::domain::timing::parse_zone("Europe/Kyiv").unwrap();
    app.now = "2027-03-20T10:00:00Z".parse().unwrap();
    app.fleet.schedules.get_mut(&1).unwrap().list = Some(bsched::domain::ScheduleList {
        schedules: vec![
            sched(301, 1, "nightly", Weekdays::ALL, "03:30"),
            sched(302, 1, "evening", Weekdays::ALL, "20:00"),
        ],
        backup_rotation: Some(5),
    });
    for w in WIDTHS {
        let pane = schedules_pane(&lines(&app, w, 24));
        let row = |name: &str| pane.iter().find(|l| l.starts_with(name)).unwrap().clone();
        assert!(
            row("nightly").contains("03:30") && row("nightly").contains("⚠"),
            "at {w}: {}",
            row("nightly")
        );
        assert!(!row("evening").contains('⚠'), "at {w}: {}", row("evening"));
        assert!(
            pane.iter()
                .any(|l| l.starts_with("⚠ DST: On Sun 28 Mar 2027")),
            "at {w}:\n{}",
            pane.join("\n")
        );
    }
}

#[test]
fn snapshots_at_narrow_and_wide_sizes() {
    let mut app = loaded();
    press(&mut app, [ch('j')]);
    for w in [60, 64, 70, 76, 100, 200] {
        let t = lines(&app, w, 24)
            .iter()
            .map(|l| format!("\"{}\"", l.concat()))
            .collect::<Vec<_>>()
            .join("\n");
        insta::assert_snapshot!(format!("rows_{w}x24"), t);
    }
}
