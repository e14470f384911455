//! The catalog files of each language, compiled in (see `locales/README.md`).

pub(super) const EN: &[&str] = &[
    include_str!("../../locales/en/common.txt"),
    include_str!("../../locales/en/start.txt"),
    include_str!("../../locales/en/viewer.txt"),
    include_str!("../../locales/en/panels.txt"),
    include_str!("../../locales/en/dialogs.txt"),
    include_str!("../../locales/en/dicomweb.txt"),
    include_str!("../../locales/en/archives.txt"),
    include_str!("../../locales/en/embed.txt"),
    include_str!("../../locales/en/sr.txt"),
    include_str!("../../locales/en/fusion.txt"),
    include_str!("../../locales/en/seg.txt"),
    include_str!("../../locales/en/rtkos.txt"),
    include_str!("../../locales/en/derived.txt"),
    include_str!("../../locales/en/gsps.txt"),
];

pub(super) const DE: &[&str] = &[
    include_str!("../../locales/de/common.txt"),
    include_str!("../../locales/de/start.txt"),
    include_str!("../../locales/de/viewer.txt"),
    include_str!("../../locales/de/panels.txt"),
    include_str!("../../locales/de/dialogs.txt"),
    include_str!("../../locales/de/dicomweb.txt"),
    include_str!("../../locales/de/archives.txt"),
    include_str!("../../locales/de/embed.txt"),
    include_str!("../../locales/de/sr.txt"),
    include_str!("../../locales/de/fusion.txt"),
    include_str!("../../locales/de/seg.txt"),
    include_str!("../../locales/de/rtkos.txt"),
    include_str!("../../locales/de/derived.txt"),
    include_str!("../../locales/de/gsps.txt"),
];

pub(super) const ES: &[&str] = &[
    include_str!("../../locales/es/common.txt"),
    include_str!("../../locales/es/start.txt"),
    include_str!("../../locales/es/viewer.txt"),
    include_str!("../../locales/es/panels.txt"),
    include_str!("../../locales/es/dialogs.txt"),
    include_str!("../../locales/es/dicomweb.txt"),
    include_str!("../../locales/es/archives.txt"),
    include_str!("../../locales/es/embed.txt"),
    include_str!("../../locales/es/sr.txt"),
    include_str!("../../locales/es/fusion.txt"),
    include_str!("../../locales/es/seg.txt"),
    include_str!("../../locales/es/rtkos.txt"),
    include_str!("../../locales/es/derived.txt"),
    include_str!("../../locales/es/gsps.txt"),
];

pub(super) const ZH: &[&str] = &[
    include_str!("../../locales/zh/common.txt"),
    include_str!("../../locales/zh/start.txt"),
    include_str!("../../locales/zh/viewer.txt"),
    include_str!("../../locales/zh/panels.txt"),
    include_str!("../../locales/zh/dialogs.txt"),
    include_str!("../../locales/zh/dicomweb.txt"),
    include_str!("../../locales/zh/archives.txt"),
    include_str!("../../locales/zh/embed.txt"),
    include_str!("../../locales/zh/sr.txt"),
    include_str!("../../locales/zh/fusion.txt"),
    include_str!("../../locales/zh/seg.txt"),
    include_str!("../../locales/zh/rtkos.txt"),
    include_str!("../../locales/zh/derived.txt"),
    include_str!("../../locales/zh/gsps.txt"),
];
