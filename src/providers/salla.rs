//! Salla (Saudi e-commerce platform): order webhooks.
//!
//! Body: `{event, merchant, created_at, data}`; the event name is in `event`.
//! What users need of these facts: `docs/providers.md`.

use super::{Clue, Provider, TimestampFormat, headers_present, keys_present, str_field};
use crate::model::doc::{Field, Node};
use crate::model::signature::{
    Headers, Secret, Signature, Status, constant_time_eq, hex_digest_problem, hmac_sha256_hex,
    verify_hmac_sha256_hex,
};
use crate::model::summary::{Category, OrderSummary, currency, full_name, occurred, text, text_at};

/// The Salla provider.
pub struct Salla;

const EVENTS: &[&str] = &[
    "order.created",
    "order.updated",
    "order.refunded",
    "order.deleted",
    "order.products.updated",
    "order.payment.updated",
    "order.coupon.updated",
    "order.total.price.updated",
    "order.shipping.address.updated",
    "order.cancelled",
    "order.customer.updated",
    "order.shipment.creating",
    "order.shipment.created",
    "order.shipment.return.creating",
    "order.shipment.return.created",
    "order.shipment.cancelled",
    "order.shipment.return.cancelled",
    "order.status.updated",
];

/// The store events Salla documents ("Webhooks – Store Events" and the app
/// events) beside the order events above, which have schemas.
const OTHER_EVENTS: &[&str] = &[
    "product.created",
    "product.updated",
    "product.deleted",
    "product.available",
    "product.quantity.low",
    "product.price.updated",
    "product.status.updated",
    "product.image.updated",
    "product.category.updated",
    "product.brand.updated",
    "product.tags.updated",
    "shipping.zone.created",
    "shipping.zone.updated",
    "shipping.company.created",
    "shipping.company.updated",
    "shipping.company.deleted",
    "shipment.creating",
    "shipment.created",
    "shipment.cancelled",
    "shipment.updated",
    "customer.created",
    "customer.updated",
    "customer.login",
    "customer.otp.request",
    "category.created",
    "category.updated",
    "brand.created",
    "brand.updated",
    "brand.deleted",
    "store.branch.created",
    "store.branch.updated",
    "store.branch.setDefault",
    "store.branch.activated",
    "store.branch.deleted",
    "storetax.created",
    "abandoned.cart",
    "abandoned.cart.updated",
    "abandoned.cart.status.changed",
    "abandoned.cart.purchased",
    "coupon.applied",
    "invoice.created",
    "specialoffer.created",
    "specialoffer.updated",
    "review.added",
    "app.*",
];

impl Provider for Salla {
    // Salla's customer, receiver and addresses (docs: Order, Customer,
    // Shipping); `name` only where it is a person's.
    fn personal_fields(&self) -> &'static [&'static str] {
        &[
            "customer/first_name",
            "customer/last_name",
            "customer/full_name",
            "customer/avatar",
            "customer/urls",
            "mobile_code",
            "address_line",
            "street_number",
            "block",
            "building_number",
            "postal_code",
            "short_address",
            "additional_number",
            "geo_coordinates",
            "lat",
            "lng",
            "note",
            "notes",
            "user_email",
            "username",
            "account_name",
            "account_number",
            "iban",
            "user-agent",
            "shipping_address",
            "pickup_address",
            "ship_to/name",
            "ship_from/name",
            "receiver",
        ]
    }
    fn other_events(&self) -> &'static [&'static str] {
        OTHER_EVENTS
    }
    fn event_pointer(&self, body: Node<'_>) -> Option<&'static str> {
        body.get("event").map(|_| "/event")
    }
    fn near_miss(&self, body: Node<'_>) -> Option<super::NearMiss> {
        let object = body.is_object().then_some(body)?;
        if object.get("merchant").is_none() && object.get("created_at").is_none() {
            // the store id or the time: recognise wants one of them
            return super::near_miss(
                body,
                &["event", "merchant", "created_at", "data"],
                &[("", "merchant", |_| false, "")],
            )
            .map(|m| super::NearMiss {
                lacks: "has neither merchant nor created_at".into(),
                ..m
            });
        }
        super::near_miss(
            body,
            &["event", "merchant", "created_at", "data"],
            &[
                (
                    "/event",
                    "event",
                    |v| v.is_some_and(Node::is_string),
                    "event is not a string",
                ),
                (
                    "/data",
                    "data",
                    |v| v.is_some_and(Node::is_object),
                    "data is not an object",
                ),
            ],
        )
    }
    /// `created_at` is JavaScript's `Date.toString()`
    /// (`Sun Jun 26 2022 12:21:48 GMT+0300`), not ISO 8601.
    fn timestamp_formats(&self) -> &'static [TimestampFormat] {
        &[TimestampFormat::JavaScriptDate, TimestampFormat::Iso8601]
    }
    fn name(&self) -> &'static str {
        "salla"
    }
    fn title(&self) -> &'static str {
        "Salla"
    }
    fn docs_url(&self) -> &'static str {
        "https://docs.salla.dev/doc-433804"
    }
    fn events(&self) -> &'static [&'static str] {
        EVENTS
    }

    /// A Salla body has a string `event` and a `data` object, and the store
    /// id in `merchant` or a `created_at` beside them.
    fn recognise(&self, body: Node<'_>) -> Option<Clue> {
        let object = body.is_object().then_some(body)?;
        let event = str_field(object, "event")?;
        let data_is_object = object.get("data").is_some_and(Node::is_object);
        if !data_is_object
            || !(object.get("merchant").is_some() || object.get("created_at").is_some())
        {
            return None;
        }
        Some(Clue {
            event: event.to_string(),
            detected_by: format!(
                "body: event = {event:?}, {}",
                keys_present(object, &["merchant", "created_at", "data"])
            ),
            note: None,
        })
    }

    fn summarize(&self, event: &str, body: Node<'_>) -> OrderSummary {
        summarize(event, body)
    }

    fn header_clue(&self, headers: Headers<'_>) -> Option<String> {
        headers_present(headers, &["X-Salla-Signature", "X-Salla-Security-Strategy"])
    }

    fn check_signature(
        &self,
        headers: Headers<'_>,
        body: &[u8],
        secret: Option<&Secret>,
    ) -> Option<Signature> {
        check_signature(headers, body, secret)
    }

    fn sign(
        &self,
        body: &[u8],
        secret: &Secret,
        scheme: Option<&str>,
    ) -> anyhow::Result<Vec<(String, String)>> {
        sign(body, secret, scheme)
    }
}

impl Salla {
    /// The status-category mapping of `docs/providers.md`, on the slug
    /// (custom statuses keep their parent's slug).
    pub fn category(slug: &str) -> Category {
        match slug {
            "payment_pending"
            | "waiting_for_payment_confirmation"
            | "payment_failed"
            | "under_review" => Category::Pending,
            "in_progress" => Category::Processing,
            "shipped" | "delivering" => Category::Shipped,
            "delivered" => Category::Delivered,
            "completed" => Category::Completed,
            "canceled" => Category::Cancelled,
            "restoring" | "restored" => Category::Returned,
            _ => Category::Unknown,
        }
    }
}

pub(crate) fn summarize(event: &str, body: Node<'_>) -> OrderSummary {
    let data = body.get("data");
    // order.status.updated wraps the order: data = {id (history id), status (name), note, order}
    let order = if event == "order.status.updated" {
        data.get("order")
    } else {
        data
    };
    let slug = text_at(order, "/status/slug");
    let customer = order.get("customer");
    let (tracking_number, tracking_url) = tracking(order);
    let mut summary = OrderSummary {
        order_id: text(order.get("id")),
        order_number: text(order.get("reference_id")),
        status_category: slug.as_deref().map(Salla::category),
        status: slug,
        payment_status: order
            .get("is_pending_payment")
            .is_true()
            .then(|| "pending".to_string()),
        tracking_number,
        tracking_url,
        total_amount: text_at(order, "/amounts/total/amount"),
        currency: currency(
            text_at(order, "/amounts/total/currency").or_else(|| text(order.get("currency"))),
        ),
        customer_name: text(customer.get("name")).or_else(|| {
            full_name(&[
                text(customer.get("first_name")),
                text(customer.get("last_name")),
            ])
        }),
        customer_email: text(customer.get("email")),
        items_count: order
            .get("items")
            .filter(|i| i.is_array())
            .map(|i| i.len() as u64),
        occurred_at: occurred(body.get("created_at"), Salla.timestamp_formats()),
        ..OrderSummary::default()
    };
    let custom =
        text_at(order, "/status/customized/name").or_else(|| text_at(data, "/customized/name"));
    summary.detail("status_name", "status name", text_at(order, "/status/name"));
    summary.detail("custom_status", "custom status", custom);
    if event == "order.status.updated" {
        summary.detail("new_status", "new status", text(data.get("status")));
        summary.detail("note", "note", text(data.get("note")));
    }
    summary.detail(
        "payment_method",
        "payment method",
        text(order.get("payment_method")),
    );
    summary.detail(
        "shipping_number",
        "shipping number",
        text(data.get("shipping_number")),
    );
    summary
}

/// The customer-facing tracking: the first outgoing shipment with a number,
/// else the order's `shipping.shipment` (whose id is the carrier's number).
fn tracking(order: Option<Node<'_>>) -> (Option<String>, Option<String>) {
    let mut shipments = order.get("shipments").elements();
    let outgoing = shipments.find(|s| {
        s.get("type").and_then(Node::as_str).as_deref() != Some("return")
            && text(s.get("tracking_number")).is_some()
    });
    if let Some(s) = outgoing {
        return (text(s.get("tracking_number")), text(s.get("tracking_link")));
    }
    let shipment = order.pointer("/shipping/shipment");
    // Salla sends "0" as a placeholder before a shipment exists
    let real = |v: Option<String>| v.filter(|s| s != "0");
    (
        real(text(shipment.get("tracking_number"))).or_else(|| real(text(shipment.get("id")))),
        real(text(shipment.get("tracking_link"))),
    )
}

/// Salla's two security strategies (`X-Salla-Security-Strategy`).
fn check_signature(
    headers: Headers<'_>,
    body: &[u8],
    secret: Option<&Secret>,
) -> Option<Signature> {
    // nothing was captured around the body: nothing to check
    if headers.is_empty() {
        return None;
    }
    let strategy = headers
        .get("X-Salla-Security-Strategy")
        .map(str::to_ascii_lowercase);
    let token_mode = strategy.as_deref() == Some("token")
        || (strategy.is_none()
            && headers.get("X-Salla-Signature").is_none()
            && headers.get("Authorization").is_some());
    if token_mode {
        return Some(check_token(headers, secret));
    }
    let signatures = headers.all("X-Salla-Signature");
    let Some(&signature) = signatures.first() else {
        return Some(Signature::new(
            "salla-signature",
            Status::Missing,
            "no X-Salla-Signature header: give whi the whole captured request, headers included",
        ));
    };
    // Salla sends one; with two, which one a receiver checks is a guess
    // (the first, the last, both joined by a comma): refuse to guess.
    if signatures.len() > 1 {
        return Some(Signature::new(
            "salla-signature",
            Status::Invalid,
            format!(
                "{} X-Salla-Signature headers: ambiguous, so none is trusted (Salla sends one; a proxy or the capture added the others)",
                signatures.len()
            ),
        ));
    }
    let Some(secret) = secret else {
        return Some(Signature::new(
            "salla-signature",
            Status::NoSecret,
            "X-Salla-Signature is present; pass --secret-env VAR or --secret-file PATH to verify it",
        ));
    };
    if let Some(problem) = hex_digest_problem("X-Salla-Signature", signature) {
        return Some(Signature::new("salla-signature", Status::Invalid, problem));
    }
    Some(
        match verify_hmac_sha256_hex(secret.expose(), body, signature) {
            None => Signature::new(
                "salla-signature",
                Status::Invalid,
                "X-Salla-Signature is not a hex HMAC-SHA256 digest",
            ),
            Some(true) => Signature::new(
                "salla-signature",
                Status::Valid,
                "HMAC-SHA256 of the raw body matches X-Salla-Signature",
            ),
            Some(false) => Signature::new(
                "salla-signature",
                Status::Invalid,
                diagnose(body, secret, signature, headers),
            ),
        },
    )
}

/// Why a Salla signature did not match: the body was re-serialised on its
/// way (Salla signs the exact bytes of PHP's compact `json_encode`, with `\/`
/// and `\uXXXX` escapes), or the secret is wrong.
fn diagnose(body: &[u8], secret: &Secret, signature: &str, headers: Headers<'_>) -> String {
    let verifies =
        |key: &[u8], bytes: &[u8]| verify_hmac_sha256_hex(key, bytes, signature) == Some(true);
    let reencoded = salla_encoding(body).filter(|original| original != body);
    // A secret pasted with a space or line break around it.
    let trimmed = secret.expose().trim_ascii();
    if trimmed.len() != secret.expose().len()
        && (verifies(trimmed, body) || reencoded.as_deref().is_some_and(|b| verifies(trimmed, b)))
    {
        return "the secret has spaces or line breaks around it (a CRLF or a space at the end of the file or variable): without them it verifies, so remove them".into();
    }
    // The signed bytes are the raw bytes: a BOM the capture added breaks them.
    if let Some(rest) = body.strip_prefix(b"\xEF\xBB\xBF")
        && verifies(secret.expose(), rest)
    {
        return "the body starts with a byte order mark (EF BB BF) that Salla did not sign: the body without it verifies, so the capture or an editor added it".into();
    }
    if let Some(original) = &reencoded
        && verifies(secret.expose(), original)
    {
        return "the body was re-serialised after Salla signed it (the same JSON encoded as Salla sends it verifies): capture the raw request body, byte for byte".into();
    }
    // A captured Content-Length that the body no longer has: edited.
    if let Some(length) = headers
        .get("Content-Length")
        .and_then(|v| v.trim().parse::<usize>().ok())
        && length != body.len()
    {
        return format!(
            "the body was altered after it was captured: Content-Length says {length} bytes, the body has {}; Salla signed what it sent, so check the unedited capture",
            body.len()
        );
    }
    let mut signs = Vec::new();
    if body.windows(2).any(|w| w == b"\n " || w == b"\n\t") {
        signs.push("pretty-printed");
    }
    if body.iter().any(|b| !b.is_ascii()) {
        signs.push("non-ASCII characters not \\u-escaped");
    }
    if body.windows(2).any(|w| w[1] == b'/' && w[0] != b'\\') {
        signs.push("slashes not escaped as \\/");
    }
    if signs.is_empty() {
        "the secret is wrong: the body is as Salla sends it (compact, escaped) and does not verify; use the secret of the app that received it (Salla Partners: the app's webhook secret), unless the body was edited after signing".into()
    } else {
        format!(
            "the secret is wrong: neither the body as captured ({}) nor the same JSON re-encoded as Salla sends it verifies; use the secret of the app that received it, unless the body was also edited",
            signs.join(", ")
        )
    }
}

/// The body re-encoded the way Salla (PHP `json_encode`) writes JSON:
/// compact, `/` as `\/`, non-ASCII as lower-case `\uXXXX`.
fn salla_encoding(body: &[u8]) -> Option<Vec<u8>> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let compact = serde_json::to_string(&value).ok()?;
    let mut out = String::with_capacity(compact.len() + compact.len() / 8);
    for c in compact.chars() {
        match c {
            '/' => out.push_str("\\/"),
            c if !c.is_ascii() => {
                for unit in c.encode_utf16(&mut [0; 2]) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    Some(out.into_bytes())
}

fn check_token(headers: Headers<'_>, secret: Option<&Secret>) -> Signature {
    let Some(auth) = headers.get("Authorization") else {
        return Signature::new(
            "salla-token",
            Status::Missing,
            "the Token strategy sends the token in Authorization, which is missing",
        );
    };
    let Some(secret) = secret else {
        return Signature::new(
            "salla-token",
            Status::NoSecret,
            "Authorization is present; pass --secret-env VAR or --secret-file PATH to compare it",
        );
    };
    let token = auth
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("bearer "))
        .map_or(auth, |_| &auth[7..])
        .trim();
    if constant_time_eq(token.as_bytes(), secret.expose()) {
        Signature::new(
            "salla-token",
            Status::Valid,
            "the Authorization token matches the secret",
        )
    } else {
        Signature::new(
            "salla-token",
            Status::Invalid,
            "the Authorization token does not match the secret",
        )
    }
}

fn sign(
    body: &[u8],
    secret: &Secret,
    scheme: Option<&str>,
) -> anyhow::Result<Vec<(String, String)>> {
    match scheme.map(str::to_ascii_lowercase).as_deref() {
        None | Some("signature") => Ok(vec![
            ("X-Salla-Security-Strategy".into(), "Signature".into()),
            (
                "X-Salla-Signature".into(),
                hmac_sha256_hex(secret.expose(), body),
            ),
        ]),
        Some("token") => Ok(vec![
            ("X-Salla-Security-Strategy".into(), "Token".into()),
            (
                "Authorization".into(),
                format!("Bearer {}", String::from_utf8_lossy(secret.expose())),
            ),
        ]),
        Some(other) => Err(anyhow::anyhow!(
            "unknown Salla strategy {other:?}: expected signature or token"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::doc::Doc;
    use serde_json::json;

    #[test]
    fn recognises_the_envelope() {
        let clue = Salla
            .recognise(
                Doc::from_value(&json!({"event": "order.created", "merchant": 1, "created_at": "x", "data": {}})).root(),
            )
            .map(|c| c.event);
        assert_eq!(clue.as_deref(), Some("order.created"));
    }

    #[test]
    fn every_slug_maps_to_its_category() {
        for (slug, category) in [
            ("payment_pending", Category::Pending),
            ("waiting_for_payment_confirmation", Category::Pending),
            ("payment_failed", Category::Pending),
            ("under_review", Category::Pending),
            ("in_progress", Category::Processing),
            ("shipped", Category::Shipped),
            ("delivering", Category::Shipped),
            ("delivered", Category::Delivered),
            ("completed", Category::Completed),
            ("canceled", Category::Cancelled),
            ("restoring", Category::Returned),
            ("restored", Category::Returned),
            ("ready_for_pickup", Category::Unknown),
        ] {
            assert_eq!(Salla::category(slug), category, "{slug}");
        }
    }

    #[test]
    fn status_updated_reads_the_wrapped_order() {
        let body = json!({"event": "order.status.updated", "created_at": "Sun Jun 26 2022 12:21:48 GMT+0300",
            "data": {"id": 9, "status": "Out for delivery", "note": "Handed to Aramex",
                     "order": {"id": 1, "reference_id": 71, "status": {"id": 3, "name": "Out for delivery", "slug": "delivering",
                               "customized": {"id": 4, "name": "Out for delivery"}},
                               "amounts": {"total": {"amount": 0, "currency": "SAR"}}}}});
        let mut body = body;
        body["data"]["order"]["amounts"]["total"]["amount"] =
            serde_json::from_str("108.70").unwrap_or_default();
        let s = summarize("order.status.updated", Doc::from_value(&body).root());
        assert_eq!(
            (s.order_id.as_deref(), s.status.as_deref()),
            (Some("1"), Some("delivering"))
        );
        assert_eq!(s.status_category, Some(Category::Shipped));
        assert_eq!(s.total_amount.as_deref(), Some("108.70"));
        assert_eq!(s.occurred_at.as_deref(), Some("2022-06-26T12:21:48+03:00"));
        let detail = |k: &str| {
            s.details
                .iter()
                .find(|d| d.key == k)
                .map(|d| d.value.clone())
        };
        assert_eq!(detail("custom_status").as_deref(), Some("Out for delivery"));
        assert_eq!(detail("note").as_deref(), Some("Handed to Aramex"));
    }

    #[test]
    fn ignores_bodies_without_data_object() {
        assert!(
            Salla
                .recognise(
                    Doc::from_value(&json!({"event": "order.created", "merchant": 1})).root()
                )
                .is_none()
        );
        assert!(
            Salla
                .recognise(
                    Doc::from_value(&json!({"event": "order.created", "merchant": 1, "data": []}))
                        .root()
                )
                .is_none()
        );
        assert!(
            Salla
                .recognise(Doc::from_value(&json!({"event": "x", "data": {}})).root())
                .is_none()
        );
    }

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    const SALLA_BODY: &[u8] = br#"{"event":"order.created","merchant":1,"data":{"url":"https:\/\/salla.sa\/x","name":"\u0639\u0637\u0631"}}"#;

    fn status_of(h: &[(String, String)], body: &[u8], secret: &str) -> (Status, String) {
        let secret = Secret::new(secret.as_bytes().to_vec());
        let s = check_signature(Headers(h), body, Some(&secret)).map(|s| (s.status, s.reason));
        s.unwrap_or((Status::Missing, String::new()))
    }

    #[test]
    fn signature_strategy_valid_tampered_wrong_secret_reserialised() {
        let mac = hmac_sha256_hex(b"s3cret", SALLA_BODY);
        let h = headers(&[
            ("x-salla-security-strategy", "Signature"),
            ("X-SALLA-SIGNATURE", &mac),
        ]);
        assert_eq!(status_of(&h, SALLA_BODY, "s3cret").0, Status::Valid);
        let tampered =
            String::from_utf8_lossy(SALLA_BODY).replace("\"merchant\":1", "\"merchant\":2");
        // Altered, and the capture says so: its length no longer matches.
        let mut edited = h.clone();
        edited.push(("Content-Length".into(), SALLA_BODY.len().to_string()));
        let longer = tampered.replace("\"merchant\":2", "\"merchant\":22");
        let (status, reason) = status_of(&edited, longer.as_bytes(), "s3cret");
        assert_eq!(status, Status::Invalid);
        assert!(reason.contains("altered after it was captured"), "{reason}");
        // Nothing says altered: the secret is the suspect.
        let (status, reason) = status_of(&h, SALLA_BODY, "wrong");
        assert_eq!(status, Status::Invalid);
        assert!(
            reason.starts_with("the secret is wrong: the body is as Salla sends it"),
            "{reason}"
        );
        // A secret with a CRLF or a space after it.
        for padded in ["s3cret\r\n\r\n", "s3cret ", " s3cret\t"] {
            let (status, reason) = status_of(&h, SALLA_BODY, padded);
            assert_eq!(status, Status::Invalid);
            assert!(
                reason.contains("spaces or line breaks around it"),
                "{padded:?}: {reason}"
            );
        }
        let value: serde_json::Value = serde_json::from_slice(SALLA_BODY).unwrap_or_default();
        let pretty = serde_json::to_string_pretty(&value).unwrap_or_default();
        let (status, reason) = status_of(&h, pretty.as_bytes(), "s3cret");
        assert_eq!(status, Status::Invalid);
        assert!(
            reason.contains("re-serialised after Salla signed it"),
            "{reason}"
        );
        // Pretty-printed as captured, and the secret is wrong: re-encoding
        // does not verify either, so the fix is the secret, not the capture.
        let (status, reason) = status_of(&h, pretty.as_bytes(), "wrong");
        assert_eq!(status, Status::Invalid);
        assert!(
            reason.starts_with("the secret is wrong: neither the body as captured (pretty-printed"),
            "{reason}"
        );
    }

    #[test]
    fn duplicated_prefixed_short_and_bom_signatures_are_diagnosed() {
        let mac = hmac_sha256_hex(b"s3cret", SALLA_BODY);
        let twice = headers(&[("X-Salla-Signature", &mac), ("x-salla-signature", &mac)]);
        let (status, reason) = status_of(&twice, SALLA_BODY, "s3cret");
        assert_eq!(status, Status::Invalid);
        assert!(
            reason.starts_with("2 X-Salla-Signature headers: ambiguous"),
            "{reason}"
        );
        let prefixed = headers(&[("X-Salla-Signature", &format!("sha256={mac}"))]);
        let (status, reason) = status_of(&prefixed, SALLA_BODY, "s3cret");
        assert_eq!(status, Status::Invalid);
        assert!(reason.contains("starts with sha256="), "{reason}");
        let short = headers(&[("X-Salla-Signature", &mac[..32])]);
        let (status, reason) = status_of(&short, SALLA_BODY, "s3cret");
        assert_eq!(status, Status::Invalid);
        assert!(reason.contains("16-byte digest"), "{reason}");
        let bom = [&b"\xEF\xBB\xBF"[..], SALLA_BODY].concat();
        let one = headers(&[("X-Salla-Signature", &mac)]);
        let (status, reason) = status_of(&one, &bom, "s3cret");
        assert_eq!(status, Status::Invalid);
        assert!(reason.contains("byte order mark"), "{reason}");
        let signed_with_bom = hmac_sha256_hex(b"s3cret", &bom);
        let raw = headers(&[("X-Salla-Signature", &signed_with_bom)]);
        assert_eq!(status_of(&raw, &bom, "s3cret").0, Status::Valid);
    }

    #[test]
    fn signature_without_secret_or_header() {
        let h = headers(&[("X-Salla-Signature", "ab")]);
        assert_eq!(
            check_signature(Headers(&h), SALLA_BODY, None).map(|s| s.status),
            Some(Status::NoSecret)
        );
        let none = headers(&[("Content-Type", "application/json")]);
        assert_eq!(status_of(&none, SALLA_BODY, "x").0, Status::Missing);
        assert_eq!(check_signature(Headers(&[]), SALLA_BODY, None), None);
    }

    #[test]
    fn token_strategy_with_and_without_bearer() {
        for auth in ["Bearer tok-123", "bearer tok-123", "tok-123"] {
            let h = headers(&[
                ("X-Salla-Security-Strategy", "Token"),
                ("Authorization", auth),
            ]);
            assert_eq!(
                status_of(&h, SALLA_BODY, "tok-123").0,
                Status::Valid,
                "{auth}"
            );
            assert_eq!(
                status_of(&h, SALLA_BODY, "tok-999").0,
                Status::Invalid,
                "{auth}"
            );
        }
    }

    #[test]
    fn signing_round_trips() {
        let secret = Secret::new(b"s3cret".to_vec());
        let signed = sign(SALLA_BODY, &secret, None).unwrap_or_default();
        let (status, _) = status_of(&signed, SALLA_BODY, "s3cret");
        assert_eq!(status, Status::Valid);
        let token = sign(SALLA_BODY, &secret, Some("token")).unwrap_or_default();
        assert_eq!(status_of(&token, SALLA_BODY, "s3cret").0, Status::Valid);
        assert!(sign(SALLA_BODY, &secret, Some("hmac512")).is_err());
    }
}
