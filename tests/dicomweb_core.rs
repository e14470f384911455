//! DICOMweb request side: config parsing (OHIF shape), QIDO-RS and WADO-RS URLs, Accept and auth
//! headers, failure messages and backoff, deep links. Expected strings are written out by hand
//! from PS3.18 and the OHIF documentation, not captured from the code.

use dicom_viewer::dicomweb::deep_link::{parse_query, to_query, DeepLink};
use dicom_viewer::dicomweb::failure::{
    describe, is_retryable, server_origin, stops_source, Backoff, FetchFailure, RequestContext,
};
use dicom_viewer::dicomweb::qido::{
    compare_text_for_sort, series_search_url, study_lookup_url, study_search_url, StudyQuery,
};
use dicom_viewer::dicomweb::source::{
    parse_config, sources_from_json, sources_to_json, AuthKind, ConfigError, DataSource, SourceFlags, ThumbnailKind,
};
use dicom_viewer::dicomweb::uri::QueryError;
use dicom_viewer::dicomweb::wado::{
    auth_header, bulk_data_accept, frames_accept, frames_url, instance_accept, instance_url, rendered_url,
    resolve_bulk_data_uri, series_metadata_url, thumbnail_url,
};
use dicom_viewer::i18n::Lang;
use std::cmp::Ordering;

const OHIF_CONFIG: &str = r#"{
  "routerBasename": "/",
  "defaultDataSourceName": "idc",
  "dataSources": [
    {"namespace": "@ohif/extension-default.dataSourcesModule.dicomweb", "sourceName": "orthanc",
     "configuration": {"friendlyName": "Local Orthanc", "name": "orthanc",
       "wadoUriRoot": "http://localhost:8042/wado", "qidoRoot": "http://localhost:8042/dicom-web/",
       "wadoRoot": "http://localhost:8042/dicom-web//", "qidoSupportsIncludeField": false,
       "supportsReject": false, "imageRendering": "wadors", "thumbnailRendering": "rendered",
       "enableStudyLazyLoad": true, "supportsFuzzyMatching": false, "supportsWildcard": true,
       "omitQuotationForMultipartRequest": true, "bulkDataURI": {"enabled": false}}},
    {"namespace": "@ohif/extension-default.dataSourcesModule.dicomweb", "sourceName": "idc",
     "configuration": {"friendlyName": "Imaging Data Commons", "qidoRoot": "https://proxy.imaging.datacommons.cancer.gov/current/viewer-only-no-downloads-see-tinyurl-dot-com-slash-3j3d9jyp/dicomWeb",
       "wadoRoot": "https://proxy.imaging.datacommons.cancer.gov/current/viewer-only-no-downloads-see-tinyurl-dot-com-slash-3j3d9jyp/dicomWeb",
       "auth": "apikey", "apiKeyHeader": "x-api-key", "description": "Public cancer imaging"}}
  ]
}"#;

fn orthanc() -> DataSource {
    DataSource {
        name: "orthanc".into(),
        friendly_name: "Local Orthanc".into(),
        qido_root: "http://localhost:8042/dicom-web".into(),
        wado_root: "http://localhost:8042/dicom-web".into(),
        auth: AuthKind::None,
        flags: SourceFlags {
            qido_supports_include_field: true,
            supports_wildcard: true,
            supports_fuzzy_matching: true,
            bulk_data_uri_enabled: true,
            omit_quotation_for_multipart_request: false,
        },
        thumbnails: ThumbnailKind::DecodeFrame,
        description: String::new(),
    }
}

#[test]
fn ohif_config_with_two_sources_parses_and_round_trips() {
    let config = parse_config(OHIF_CONFIG).expect("valid config");
    assert_eq!(config.default_source.as_deref(), Some("idc"));
    assert_eq!(config.sources.len(), 2);
    let local = &config.sources[0];
    assert_eq!(local.name, "orthanc");
    assert_eq!(local.friendly_name, "Local Orthanc");
    assert_eq!(local.qido_root, "http://localhost:8042/dicom-web");
    assert_eq!(local.wado_root, "http://localhost:8042/dicom-web");
    assert_eq!(local.thumbnails, ThumbnailKind::Rendered);
    assert!(local.flags.supports_wildcard && local.flags.omit_quotation_for_multipart_request);
    assert!(!local.flags.bulk_data_uri_enabled && !local.flags.qido_supports_include_field);
    let idc = &config.sources[1];
    assert_eq!(idc.auth, AuthKind::ApiKey { header: "x-api-key".into() });
    assert_eq!(idc.description, "Public cancer imaging");
    // Missing flags take OHIF's defaults: false, except bulkDataURI enabled; no thumbnailRendering -> wadors.
    assert_eq!(idc.flags, SourceFlags::OHIF_DEFAULTS);
    assert!(idc.flags.bulk_data_uri_enabled && !idc.flags.supports_wildcard && !idc.flags.supports_fuzzy_matching);
    assert_eq!(idc.thumbnails, ThumbnailKind::DecodeFrame);

    let stored = sources_to_json(&config.sources);
    assert_eq!(sources_from_json(&stored).expect("own output parses"), config.sources);
    let bearer = DataSource { auth: AuthKind::Bearer, thumbnails: ThumbnailKind::Thumbnail, ..orthanc() };
    let stored = sources_to_json(std::slice::from_ref(&bearer));
    assert_eq!(sources_from_json(&stored).expect("own output parses"), vec![bearer]);
}

#[test]
fn config_errors_name_the_key_and_the_source() {
    let with =
        |configuration: &str| format!(r#"{{"dataSources":[{{"sourceName":"pacs","configuration":{configuration}}}]}}"#);
    let roots = r#""qidoRoot":"https://pacs.example/rs","wadoRoot":"https://pacs.example/rs""#;
    let error = parse_config(&with(&format!(r#"{{{roots},"supportsWildcard":"yes"}}"#))).unwrap_err();
    assert_eq!(
        error,
        ConfigError::WrongType {
            source: "pacs".into(),
            key: "supportsWildcard".into(),
            expected: "true or false".into()
        }
    );
    assert!(error.to_string().contains("'pacs'") && error.to_string().contains("supportsWildcard"));
    let error = parse_config(&with(r#"{"qidoRoot":"https://pacs.example/rs"}"#)).unwrap_err();
    assert_eq!(error, ConfigError::MissingKey { source: "pacs".into(), key: "wadoRoot".into() });
    let secret = r#"{"qidoRoot":"https://pacs.example/rs?apikey=s3cr3t","wadoRoot":"https://pacs.example/rs"}"#;
    let error = parse_config(&with(secret)).unwrap_err();
    assert_eq!(error, ConfigError::SecretInUrl { source: "pacs".into(), key: "qidoRoot".into() });
    assert!(error.to_string().contains("key field") && !error.to_string().contains("s3cr3t"));
    let userinfo = r#"{"qidoRoot":"https://bob:pw@pacs.example/rs","wadoRoot":"https://pacs.example/rs"}"#;
    assert!(matches!(parse_config(&with(userinfo)), Err(ConfigError::SecretInUrl { .. })));
    let ftp = r#"{"qidoRoot":"ftp://pacs.example/rs","wadoRoot":"https://pacs.example/rs"}"#;
    assert!(matches!(parse_config(&with(ftp)), Err(ConfigError::InvalidRoot { .. })));
    let unknown_default =
        format!(r#"{{"defaultDataSourceName":"x","dataSources":[{{"sourceName":"a","configuration":{{{roots}}}}}]}}"#);
    assert_eq!(parse_config(&unknown_default).unwrap_err(), ConfigError::UnknownDefault { name: "x".into() });
    let twice = format!(
        r#"[{{"sourceName":"a","configuration":{{{roots}}}}},{{"sourceName":"a","configuration":{{{roots}}}}}]"#
    );
    assert_eq!(sources_from_json(&twice).unwrap_err(), ConfigError::DuplicateName { name: "a".into() });
    assert!(matches!(parse_config("{"), Err(ConfigError::Json { .. })));
    let spaced = DataSource { name: "my pacs".into(), ..orthanc() };
    assert!(matches!(spaced.validate(), Err(ConfigError::InvalidName { .. })));
}

#[test]
fn study_search_applies_wildcards_ranges_and_include_fields() {
    let query = StudyQuery {
        patient_name: "DOE^J".into(),
        patient_id: "ID 7".into(),
        study_date_from: "20240101".into(),
        study_date_to: "20241231".into(),
        modality: "ct".into(),
        description: "chest".into(),
        limit: 50,
        offset: 100,
        ..StudyQuery::default()
    };
    assert_eq!(
        study_search_url(&orthanc(), &query).unwrap(),
        "http://localhost:8042/dicom-web/studies?PatientName=DOE%5EJ*&PatientID=ID%207&StudyDate=20240101-20241231\
         &ModalitiesInStudy=CT&StudyDescription=chest*&fuzzymatching=true\
         &includefield=00081030,00080060,00080061,00201206,00201208,00080050,00100020&limit=50&offset=100"
    );
    let plain = DataSource { flags: SourceFlags::OHIF_DEFAULTS, ..orthanc() };
    let query = StudyQuery {
        patient_name: "*smith?".into(),
        study_date_to: "20200101".into(),
        limit: 25,
        ..StudyQuery::default()
    };
    assert_eq!(
        study_search_url(&plain, &query).unwrap(),
        "http://localhost:8042/dicom-web/studies?PatientName=smith&StudyDate=-20200101&limit=25&offset=0"
    );
    let own_wildcard =
        StudyQuery { patient_name: "DO?".into(), study_date_from: "20200101".into(), ..StudyQuery::default() };
    assert_eq!(
        study_search_url(&orthanc(), &own_wildcard).unwrap(),
        "http://localhost:8042/dicom-web/studies?PatientName=DO?&StudyDate=20200101-&fuzzymatching=true\
         &includefield=00081030,00080060,00080061,00201206,00201208,00080050,00100020&limit=0&offset=0"
    );
    let bad_date = StudyQuery { study_date_from: "2024-01-01".into(), ..StudyQuery::default() };
    assert!(matches!(study_search_url(&plain, &bad_date), Err(QueryError::InvalidDate { which: "start", .. })));
    let reversed =
        StudyQuery { study_date_from: "20240102".into(), study_date_to: "20240101".into(), ..StudyQuery::default() };
    assert!(matches!(study_search_url(&plain, &reversed), Err(QueryError::DateRangeReversed { .. })));
}

#[test]
fn series_and_lookup_urls_check_uids() {
    assert_eq!(
        series_search_url(&orthanc(), "1.2.3").unwrap(),
        "http://localhost:8042/dicom-web/studies/1.2.3/series?includefield=0008103E,00200011,00201209,00080060"
    );
    let plain = DataSource { flags: SourceFlags::OHIF_DEFAULTS, ..orthanc() };
    assert_eq!(series_search_url(&plain, "1.2.3").unwrap(), "http://localhost:8042/dicom-web/studies/1.2.3/series");
    assert_eq!(
        study_lookup_url(&plain, "1.2.3").unwrap(),
        "http://localhost:8042/dicom-web/studies?StudyInstanceUID=1.2.3"
    );
    assert!(matches!(series_search_url(&plain, "../admin"), Err(QueryError::InvalidUid { .. })));
    assert!(study_lookup_url(&plain, &"1.".repeat(40)).is_err());
}

#[test]
fn sort_text_puts_empty_last_and_numbers_by_value() {
    assert_eq!(compare_text_for_sort("9", "10"), Ordering::Less);
    assert_eq!(compare_text_for_sort("", "a"), Ordering::Greater);
    assert_eq!(compare_text_for_sort("doe^john", "DOE JOHN"), Ordering::Equal);
    assert_eq!(compare_text_for_sort("Adams", "baker"), Ordering::Less);
}

#[test]
fn wado_addresses_and_accept_headers() {
    let source = orthanc();
    let series = "http://localhost:8042/dicom-web/studies/1.2/series/1.3";
    assert_eq!(series_metadata_url(&source, "1.2", "1.3").unwrap(), format!("{series}/metadata"));
    assert_eq!(instance_url(&source, "1.2", "1.3", "1.4").unwrap(), format!("{series}/instances/1.4"));
    assert_eq!(
        frames_url(&source, "1.2", "1.3", "1.4", &[1, 5, 12]).unwrap(),
        format!("{series}/instances/1.4/frames/1,5,12")
    );
    assert_eq!(frames_url(&source, "1.2", "1.3", "1.4", &[0]), Err(QueryError::InvalidFrameList));
    assert_eq!(frames_url(&source, "1.2", "1.3", "1.4", &[]), Err(QueryError::InvalidFrameList));
    assert_eq!(
        rendered_url(&source, "1.2", "1.3", "1.4", None, 128).unwrap(),
        format!("{series}/instances/1.4/rendered?viewport=128,128")
    );
    assert_eq!(
        rendered_url(&source, "1.2", "1.3", "1.4", Some(7), 256).unwrap(),
        format!("{series}/instances/1.4/frames/7/rendered?viewport=256,256")
    );
    assert_eq!(
        thumbnail_url(&source, "1.2", "1.3", "1.4").unwrap(),
        format!("{series}/instances/1.4/thumbnail?viewport=128,128")
    );
    assert!(instance_url(&source, "1.2", "1.3", "1.4/../../x").is_err());

    let quoted = SourceFlags::OHIF_DEFAULTS;
    let bare = SourceFlags { omit_quotation_for_multipart_request: true, ..quoted };
    assert_eq!(frames_accept(&quoted), r#"multipart/related; type="application/octet-stream"; transfer-syntax=*"#);
    assert_eq!(frames_accept(&bare), "multipart/related; type=application/octet-stream; transfer-syntax=*");
    assert_eq!(instance_accept(&quoted), r#"multipart/related; type="application/dicom"; transfer-syntax=*"#);
    assert_eq!(bulk_data_accept(&bare), "multipart/related; type=application/octet-stream; transfer-syntax=*");
}

#[test]
fn bulk_data_uris_resolve_like_rfc3986_against_the_series() {
    let root = "https://pacs.example:8443/dicom-web";
    let resolve = |uri| resolve_bulk_data_uri(root, "1.2", "1.3", uri);
    assert_eq!(resolve("https://other.example/bulk/1"), "https://other.example/bulk/1");
    assert_eq!(resolve("/bulk/abc?x=1"), "https://pacs.example:8443/bulk/abc?x=1");
    assert_eq!(
        resolve("instances/1.4/bulk/7FE00010"),
        "https://pacs.example:8443/dicom-web/studies/1.2/series/1.3/instances/1.4/bulk/7FE00010"
    );
    assert_eq!(resolve("../../bulkdata/9"), "https://pacs.example:8443/dicom-web/studies/1.2/bulkdata/9");
    assert_eq!(resolve("bulkdata/9"), "https://pacs.example:8443/dicom-web/studies/1.2/bulkdata/9");
    assert_eq!(resolve("../../../../../../x"), "https://pacs.example:8443/x");
}

#[test]
fn auth_headers_carry_the_secret_only_in_a_header() {
    let api_key = AuthKind::ApiKey { header: "apikey".into() };
    assert_eq!(auth_header(&api_key, "k1"), Some(("apikey".into(), "k1".into())));
    assert_eq!(auth_header(&AuthKind::Bearer, " t0k "), Some(("Authorization".into(), "Bearer t0k".into())));
    assert_eq!(auth_header(&AuthKind::Bearer, ""), None);
    assert_eq!(auth_header(&AuthKind::None, "k1"), None);
}

fn context<'a>(auth: &'a AuthKind, has_secret: bool, what: &'a str) -> RequestContext<'a> {
    RequestContext {
        source_name: "Hospital PACS",
        page_origin: "https://viewer.example",
        server_origin: "https://pacs.example:8443",
        what,
        auth,
        has_secret,
        attempts: 5,
    }
}

#[test]
fn failure_messages_name_cause_and_fix_and_never_the_secret() {
    let api_key = AuthKind::ApiKey { header: "apikey".into() };
    let what = "the study list from https://pacs.example:8443/rs/studies?apikey=SECRET123&limit=5";
    let status = |code| FetchFailure::Status { code, retry_after_seconds: None };
    let messages = [
        (
            FetchFailure::Network,
            &api_key,
            true,
            vec![
                "Could not reach https://pacs.example:8443",
                "Access-Control-Allow-Origin",
                "https://viewer.example",
                "CORS",
            ],
        ),
        (status(401), &api_key, false, vec!["needs an API key", "'apikey' header", "key field"]),
        (status(403), &api_key, true, vec!["rejected the API key", "403"]),
        (status(401), &AuthKind::Bearer, true, vec!["rejected the bearer token"]),
        (status(401), &AuthKind::None, false, vec!["needs credentials", "choose apikey or bearer"]),
        (status(404), &AuthKind::None, false, vec!["404", "root", "deleted"]),
        (
            FetchFailure::Status { code: 429, retry_after_seconds: Some(60) },
            &api_key,
            true,
            vec!["quota", "stopped", "try again later", "60 s"],
        ),
        (status(503), &api_key, true, vec!["server error (503)", "tried 5 time"]),
        (FetchFailure::Network, &api_key, true, vec!["preflight", "Access-Control-Allow-Headers", "'apikey'"]),
        (FetchFailure::Timeout { seconds: 30 }, &api_key, true, vec!["30 s"]),
        (FetchFailure::Malformed { what: "DICOM JSON".into() }, &api_key, true, vec!["not valid DICOM JSON"]),
    ];
    for (failure, auth, has_secret, facts) in messages {
        let message = describe(Lang::En, &failure, &context(auth, has_secret, what));
        for fact in facts {
            assert!(message.contains(fact), "{failure:?}: '{message}' lacks '{fact}'");
        }
        assert!(!message.contains("SECRET123") && !message.contains("apikey="), "{failure:?} leaks: {message}");
        assert!(message.contains("the study list"), "{failure:?}: {message}");
    }
    let mixed = RequestContext { server_origin: "http://pacs.example", ..context(&api_key, true, "frame 3") };
    assert!(describe(Lang::En, &FetchFailure::Network, &mixed).contains("mixed content"));
    assert_eq!(server_origin("https://user:pw@PACS.example:8443/rs?apikey=x"), "https://pacs.example:8443");
}

#[test]
fn retry_policy_and_backoff() {
    let status = |code| FetchFailure::Status { code, retry_after_seconds: None };
    for code in [408, 500, 502, 503, 504] {
        assert!(is_retryable(&status(code)), "{code}");
    }
    for code in [400, 401, 403, 404, 429, 501] {
        assert!(!is_retryable(&status(code)), "{code}");
    }
    assert!(is_retryable(&FetchFailure::Timeout { seconds: 30 }));
    assert!(!is_retryable(&FetchFailure::Network) && !is_retryable(&FetchFailure::Malformed { what: "x".into() }));
    assert!(stops_source(&status(429)) && !stops_source(&status(503)));

    let backoff = Backoff::DEFAULT;
    // jitter 0.5 -> factor 1.0: the plain sequence 250, 500, 1000, 2000 ms, then give up.
    let plain: Vec<Option<u32>> = (1..=5).map(|failed| backoff.delay_before_retry(failed, 0.5, None)).collect();
    assert_eq!(plain, vec![Some(250), Some(500), Some(1000), Some(2000), None]);
    assert_eq!(backoff.delay_before_retry(1, 0.0, None), Some(125));
    assert_eq!(backoff.delay_before_retry(4, 1.0, None), Some(3000));
    let long = Backoff { max_attempts: 40, ..backoff };
    assert_eq!(long.delay_before_retry(35, 1.0, None), Some(4000));
    assert_eq!(backoff.delay_before_retry(2, f64::NAN, None), Some(500));
    assert_eq!(backoff.delay_before_retry(1, 0.9, Some(3)), Some(3000));
    assert_eq!(backoff.delay_before_retry(1, 0.9, Some(3600)), Some(30_000));
    assert_eq!(backoff.delay_before_retry(5, 0.9, Some(1)), None);
}

#[test]
fn deep_links_round_trip_and_drop_secrets() {
    let link = parse_query(concat!(
        "?renderer=canvas2d&StudyInstanceUIDs=1.2.3,1.2.4&studyinstanceuids=1.2.5&StudyInstanceUIDs=1.2.3",
        "&SeriesInstanceUID=1.9&apikey=s3cr3t&Token=t&datasource=idc&x=a%20b"
    ));
    assert_eq!(
        link,
        DeepLink {
            datasource: Some("idc".into()),
            study_uids: vec!["1.2.3".into(), "1.2.4".into(), "1.2.5".into()],
            series_uids: vec!["1.9".into()],
            other: vec![("renderer".into(), "canvas2d".into()), ("x".into(), "a b".into())],
        }
    );
    let query = to_query(&link);
    assert_eq!(
        query,
        "?renderer=canvas2d&x=a%20b&datasource=idc&StudyInstanceUIDs=1.2.3,1.2.4,1.2.5&SeriesInstanceUIDs=1.9"
    );
    assert_eq!(parse_query(&query), link);
    assert_eq!(
        parse_query("StudyInstanceUIDs=1.2%2C1.3&SeriesInstanceUIDs=bad<uid>&SeriesInstanceUIDs=2.5").study_uids,
        vec!["1.2", "1.3"]
    );
    assert_eq!(parse_query("SeriesInstanceUIDs=bad<uid>,2.5").series_uids, vec!["2.5"]);
    assert_eq!(to_query(&parse_query("")), "");
    assert_eq!(to_query(&parse_query("?access_token=abc&datasource=")), "");
    let with_secret = DeepLink { other: vec![("api_key".into(), "k".into())], ..DeepLink::default() };
    assert_eq!(to_query(&with_secret), "");
}
