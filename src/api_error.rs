//! The errors the API answers with: the platform's common errors (alibaba-rpc.md §5) and the 20
//! rows of ResetDisk's error table (spec/ResetDisk.md), each with its HTTP status and exact message.
//!
//! Messages are the documented strings, typos and missing periods included. Where no documented
//! string exists the choice is recorded in `docs/choices.md`.

use std::borrow::Cow;

/// One error answer: HTTP status, `Code` and `Message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: Cow<'static, str>,
    pub message: Cow<'static, str>,
}

impl ApiError {
    const fn fixed(status: u16, code: &'static str, message: &'static str) -> Self {
        Self {
            status,
            code: Cow::Borrowed(code),
            message: Cow::Borrowed(message),
        }
    }

    /// A required parameter (or its V3 header) is absent: gateway style, `MissingDiskId`.
    pub fn missing(name: &str) -> Self {
        Self {
            status: 400,
            code: format!("Missing{name}").into(),
            message: format!("{name} is mandatory for this action.").into(),
        }
    }

    /// A parameter is present but not acceptable; `why` says what is wrong with it.
    pub fn invalid_parameter(name: &str, why: &str) -> Self {
        Self {
            status: 400,
            code: "InvalidParameter".into(),
            message: format!("The specified parameter \"{name}\" is not valid: {why}.").into(),
        }
    }

    /// A V3 common header is absent: the code names the parameter it stands for
    /// (`MissingTimestamp`), the message the header (`x-acs-date is mandatory…`).
    pub fn missing_header(logical: &str, header: &str) -> Self {
        Self {
            status: 400,
            code: format!("Missing{logical}").into(),
            message: format!("{header} is mandatory for this action.").into(),
        }
    }

    pub fn v3_signature_does_not_match(string_to_sign: &str, canonical_request: &str) -> Self {
        Self {
            status: 400,
            code: "SignatureDoesNotMatch".into(),
            message: format!(
                "Specified signature does not match our calculation. server StringToSign is [{string_to_sign}] server CanonicalRequest is [{canonical_request}]"
            )
            .into(),
        }
    }

    pub fn signature_does_not_match(server_string_to_sign: &str) -> Self {
        Self {
            status: 400,
            code: "SignatureDoesNotMatch".into(),
            message: format!(
                "Specified signature is not matched with our calculation. server string to sign is:{server_string_to_sign}"
            )
            .into(),
        }
    }

    pub fn request_too_large(part: &str, limit: usize) -> Self {
        Self {
            status: 413,
            code: "RequestTooLarge".into(),
            message: format!("The request {part} is larger than the limit of {limit} bytes.")
                .into(),
        }
    }

    pub const INCOMPLETE_SIGNATURE: Self = Self::fixed(
        400,
        "IncompleteSignature",
        "The request signature does not conform to Aliyun standards.",
    );
    pub const TIMESTAMP_EXPIRED: Self = Self::fixed(
        400,
        "InvalidTimeStamp.Expired",
        "Specified time stamp or date value is expired.",
    );
    pub const TIMESTAMP_FORMAT: Self = Self::fixed(
        400,
        "InvalidTimeStamp.Format",
        "Specified time stamp or date value is not well formatted.",
    );
    pub const NONCE_USED: Self = Self::fixed(
        400,
        "SignatureNonceUsed",
        "Specified signature nonce was used already.",
    );
    pub const ACCESS_KEY_NOT_FOUND: Self = Self::fixed(
        404,
        "InvalidAccessKeyId.NotFound",
        "Specified access key is not found.",
    );
    pub const ACTION_NOT_FOUND: Self = Self::fixed(
        404,
        "InvalidAction.NotFound",
        "Specified api is not found, please check your url and method.",
    );
    pub const INVALID_VERSION: Self = Self::fixed(
        400,
        "InvalidVersion",
        "Specified parameter Version is not valid.",
    );
    pub const UNSUPPORTED_METHOD: Self = Self::fixed(
        403,
        "UnsupportedHTTPMethod",
        "This http method is not supported.",
    );
    pub const THROTTLING: Self = Self::fixed(
        400,
        "Throttling",
        "Request was denied due to request throttling.",
    );
    pub const SERVICE_UNAVAILABLE: Self = Self::fixed(
        503,
        "ServiceUnavailable",
        "The request has failed due to a temporary failure of the server.",
    );
    pub const INVALID_REGION_ID: Self = Self::fixed(
        400,
        "InvalidRegionId.MalFormed",
        "The specified RegionId is not valid",
    );

    /// Errors that a scheduled fault may inject besides ResetDisk's own table.
    pub const INJECTABLE_COMMON: [Self; 2] = [Self::THROTTLING, Self::SERVICE_UNAVAILABLE];
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message)
    }
}

/// The 20 rows of ResetDisk's error table, in the reference's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResetDiskError {
    InvalidDiskIdNotFound,
    DiskNotFound,
    InvalidSnapshotIdNotFound,
    IncorrectDiskStatus,
    IncorrectInstanceStatus,
    InstanceLockedForSecurity,
    InvalidParameterMismatch,
    InvalidSnapshotTooOld,
    InstanceExpiredOrInArrears,
    OperationDenied,
    InvalidSnapshotIdNotReady,
    /// `InternalError`, "…due to some unknown error."
    InternalError,
    DiskCategoryOperationNotSupported,
    InvalidAccountStatusNotEnoughBalance,
    InvalidAccountStatusSnapshotServiceUnavailable,
    InvalidInstanceIdNotFound,
    OperationConflict,
    UserNotInTheWhiteList,
    InvalidRegionIdMalFormed,
    /// `InternalError`, "…due to some unknown error, exception or failure."
    InternalErrorFailure,
}

impl ResetDiskError {
    pub const ALL: [Self; 20] = [
        Self::InvalidDiskIdNotFound,
        Self::DiskNotFound,
        Self::InvalidSnapshotIdNotFound,
        Self::IncorrectDiskStatus,
        Self::IncorrectInstanceStatus,
        Self::InstanceLockedForSecurity,
        Self::InvalidParameterMismatch,
        Self::InvalidSnapshotTooOld,
        Self::InstanceExpiredOrInArrears,
        Self::OperationDenied,
        Self::InvalidSnapshotIdNotReady,
        Self::InternalError,
        Self::DiskCategoryOperationNotSupported,
        Self::InvalidAccountStatusNotEnoughBalance,
        Self::InvalidAccountStatusSnapshotServiceUnavailable,
        Self::InvalidInstanceIdNotFound,
        Self::OperationConflict,
        Self::UserNotInTheWhiteList,
        Self::InvalidRegionIdMalFormed,
        Self::InternalErrorFailure,
    ];

    pub fn api_error(self) -> ApiError {
        let (status, code, message) = match self {
            Self::InvalidDiskIdNotFound => (
                404,
                "InvalidDiskId.NotFound",
                "The specified disk does not exist.",
            ),
            Self::DiskNotFound => (404, "Disk.NotFound", "The specified disk does not exist."),
            Self::InvalidSnapshotIdNotFound => (
                404,
                "InvalidSnapshotId.NotFound",
                "The specified SnapshotId does not exist.",
            ),
            Self::IncorrectDiskStatus => (
                403,
                "IncorrectDiskStatus",
                "The current disk status does not support this operation.",
            ),
            Self::IncorrectInstanceStatus => (
                403,
                "IncorrectInstanceStatus",
                "The current status of the resource does not support this operation.",
            ),
            Self::InstanceLockedForSecurity => (
                403,
                "InstanceLockedForSecurity",
                "The instance is locked due to security.",
            ),
            Self::InvalidParameterMismatch => (
                403,
                "InvalidParameter.Mismatch",
                "The specified snapshot is not created from the specified disk.",
            ),
            Self::InvalidSnapshotTooOld => (
                403,
                "InvalidSnapshot.TooOld",
                "The snapshotId is created before 2013-07-15, it cannot be restored since the first time the disk detached.",
            ),
            Self::InstanceExpiredOrInArrears => (
                403,
                "InstanceExpiredOrInArrears",
                "The specified operation is denied as your prepay instance is expired (prepay mode) or in arrears (afterpay mode).",
            ),
            Self::OperationDenied => (
                403,
                "OperationDenied",
                "The specified snapshot dees not support ResetDisk.",
            ),
            Self::InvalidSnapshotIdNotReady => (
                403,
                "InvalidSnapshotId.NotReady",
                "The specified snapshot has not completed yet.",
            ),
            Self::InternalError => (
                500,
                "InternalError",
                "The request processing has failed due to some unknown error.",
            ),
            Self::DiskCategoryOperationNotSupported => (
                400,
                "DiskCategory.OperationNotSupported",
                "The operation is not supported to the specified disk due to its disk category",
            ),
            Self::InvalidAccountStatusNotEnoughBalance => (
                403,
                "InvalidAccountStatus.NotEnoughBalance",
                "Your account does not have enough balance.",
            ),
            Self::InvalidAccountStatusSnapshotServiceUnavailable => (
                403,
                "InvalidAccountStatus.SnapshotServiceUnavailable",
                "Snapshot service has not been opened yet.",
            ),
            Self::InvalidInstanceIdNotFound => (
                404,
                "InvalidInstanceId.NotFound",
                "The specified InstanceId does not exist.",
            ),
            Self::OperationConflict => (
                403,
                "Operation.Conflict",
                "The operation may conflicts with others.",
            ),
            Self::UserNotInTheWhiteList => (
                403,
                "UserNotInTheWhiteList",
                "The user is not in disk white list.",
            ),
            Self::InvalidRegionIdMalFormed => return ApiError::INVALID_REGION_ID,
            Self::InternalErrorFailure => (
                500,
                "InternalError",
                "The request processing has failed due to some unknown error, exception or failure.",
            ),
        };
        ApiError::fixed(status, code, message)
    }
}

impl From<ResetDiskError> for ApiError {
    fn from(e: ResetDiskError) -> Self {
        e.api_error()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mock's table and the suite's catalogue (`features/ResetDisk.errors.tsv`) are two
    /// statements of one contract; they must agree row for row, in order.
    #[test]
    fn the_table_matches_the_contract_catalogue_row_for_row() {
        let catalogue = crate::catalogue::Catalogue::reset_disk();
        let ours: Vec<_> = ResetDiskError::ALL.iter().map(|e| e.api_error()).collect();
        assert_eq!(catalogue.rows().len(), 20);
        for (row, ours) in catalogue.rows().iter().zip(&ours) {
            assert_eq!(
                (
                    row.answer.status,
                    row.answer.code.as_str(),
                    row.answer.message.as_str()
                ),
                (
                    crate::catalogue::Status::Exact(ours.status),
                    ours.code.as_ref(),
                    ours.message.as_ref()
                )
            );
        }
    }

    #[test]
    fn missing_parameter_errors_use_the_gateway_form() {
        let e = ApiError::missing("DiskId");
        assert_eq!(
            (e.status, e.code.as_ref(), e.message.as_ref()),
            (400, "MissingDiskId", "DiskId is mandatory for this action.")
        );
    }
}
