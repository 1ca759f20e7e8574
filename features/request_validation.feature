@validation
Feature: Request validation
  Requests that are malformed, unsigned, mis-signed, stale or replayed are refused before any
  resource is looked at. All but one of these scenarios need no world: they run against any
  endpoint. Where the platform documents several forms of one error, each is listed; the first is
  the mock's pick.

  Scenario Outline: A missing <parameter> is refused (<format>)
    When I send ResetDisk without "<parameter>" in <format>
    Then the answer is one of
      | status | Code                         | Message                                                                                           |
      | 400    | Missing<parameter>           | <parameter> is mandatory for this action.                                                         |
      | 400    | MissingParameter             | The input parameter "<parameter>" that is mandatory for processing this request is not supplied. |
      | 400    | MissingParameter.<parameter> | The input parameter "<parameter>" that is mandatory for processing this request is not supplied. |
    And the answer matches its recorded answer

    Examples:
      | parameter  | format |
      | DiskId     | XML    |
      | DiskId     | JSON   |
      | SnapshotId | XML    |
      | SnapshotId | JSON   |

  @editions:2019-07-12..2023-08-25
  Scenario Outline: InvalidRegionId.MalFormed for a malformed RegionId on a disk that would reset (<format>)
    Given an instance "i-1" that is Stopped
    And a disk "d-1" that is In_use on instance "i-1"
    And a snapshot "s-1" of disk "d-1" that is accomplished
    When I reset disk "d-1" to snapshot "s-1" in <format> with RegionId "CN_HANGZHOU"
    Then the answer is
      | status  | 400                                 |
      | Code    | InvalidRegionId.MalFormed           |
      | Message | The specified RegionId is not valid |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @editions:2019-07-12..2023-08-25
  Scenario Outline: InvalidRegionId.MalFormed for a malformed RegionId, with no world (<format>)
    When I reset disk "d-never-existed" to snapshot "s-never-existed" in <format> with RegionId "CN_HANGZHOU"
    Then the answer is one of
      | status | Code                       | Message                                  |
      | 400    | InvalidRegionId.MalFormed  | The specified RegionId is not valid      |
      | 404    | InvalidDiskId.NotFound     | The specified disk does not exist.       |
      | 404    | Disk.NotFound              | The specified disk does not exist.       |
      | 404    | InvalidSnapshotId.NotFound | The specified SnapshotId does not exist. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  # The current edition ends the message with a period.
  @editions:2023-08-25..
  Scenario Outline: InvalidRegionId.MalFormed for a malformed RegionId on a disk that would reset, with its final period (<format>)
    Given an instance "i-1" that is Stopped
    And a disk "d-1" that is In_use on instance "i-1"
    And a snapshot "s-1" of disk "d-1" that is accomplished
    When I reset disk "d-1" to snapshot "s-1" in <format> with RegionId "CN_HANGZHOU"
    Then the answer is
      | status  | 400                                  |
      | Code    | InvalidRegionId.MalFormed            |
      | Message | The specified RegionId is not valid. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @editions:2023-08-25..
  Scenario Outline: InvalidRegionId.MalFormed for a malformed RegionId, with no world, with its final period (<format>)
    When I reset disk "d-never-existed" to snapshot "s-never-existed" in <format> with RegionId "CN_HANGZHOU"
    Then the answer is one of
      | status | Code                       | Message                                  |
      | 400    | InvalidRegionId.MalFormed  | The specified RegionId is not valid.     |
      | 404    | InvalidDiskId.NotFound     | The specified disk does not exist.       |
      | 404    | Disk.NotFound              | The specified disk does not exist.       |
      | 404    | InvalidSnapshotId.NotFound | The specified SnapshotId does not exist. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: A missing common parameter <parameter> is refused (<format>)
    When I send ResetDisk without the common parameter "<parameter>" in <format>
    Then the answer is one of
      | status | Code                         | Message                                                                                           |
      | 400    | Missing<parameter>           | <parameter> is mandatory for this action.                                                         |
      | 400    | MissingParameter             | The input parameter "<parameter>" that is mandatory for processing this request is not supplied. |
      | 400    | MissingParameter.<parameter> | The input parameter "<parameter>" that is mandatory for processing this request is not supplied. |
    And the answer matches its recorded answer

    Examples:
      | parameter        | format |
      | Action           | XML    |
      | Action           | JSON   |
      | Version          | XML    |
      | Version          | JSON   |
      | AccessKeyId      | XML    |
      | AccessKeyId      | JSON   |
      | SignatureMethod  | XML    |
      | SignatureMethod  | JSON   |
      | SignatureVersion | XML    |
      | SignatureVersion | JSON   |
      | Timestamp        | XML    |
      | Timestamp        | JSON   |
      | SignatureNonce   | XML    |
      | SignatureNonce   | JSON   |
      | Signature        | XML    |
      | Signature        | JSON   |

  # The signature probes call the action under certification on resources that do not exist,
  # whose answer signed right is known on any target (a not-found error), and then send that call
  # signed right: a target that does not check signatures answers both alike.
  Scenario Outline: A wrong signature as <form> is refused with the server's string to sign (<format>)
    When I send ResetDisk signed with a wrong secret as <form> in <format>
    Then the same call signed right gets another answer
    And the answer is one of
      | status | Code                  | Message                                                                                             |
      | 400    | SignatureDoesNotMatch | Specified signature is not matched with our calculation. server string to sign is:{string-to-sign} |
      | 4xx    | {any}                 | {any}                                                                                               |
    And the answer matches its recorded answer

    Examples:
      | form          | format |
      | V1 GET        | XML    |
      | V1 GET        | JSON   |
      | V1 POST query | XML    |
      | V1 POST query | JSON   |
      | V1 POST form  | XML    |
      | V1 POST form  | JSON   |

  Scenario Outline: A wrong signature as V3 is refused with the server's string to sign (<format>)
    When I send ResetDisk signed with a wrong secret as V3 in <format>
    Then the same call signed right gets another answer
    And the answer is one of
      | status | Code                  | Message                                                                                                                                 |
      | 400    | SignatureDoesNotMatch | Specified signature does not match our calculation. server StringToSign is [{string-to-sign}] server CanonicalRequest is [{canonical-request}] |
      | 4xx    | SignatureDoesNotMatch | Specified signature does not match our calculation.{any}                                                                                |
      | 4xx    | {any}                 | {any}                                                                                                                                   |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: A V3 body that is not what was signed is refused (<format>)
    When I send ResetDisk as V3 in <format> with a body that was not signed
    Then the same call signed right gets another answer
    And the answer is one of
      | status | Code                  | Message                                                                                                                                 |
      | 400    | SignatureDoesNotMatch | Specified signature does not match our calculation. server StringToSign is [{string-to-sign}] server CanonicalRequest is [{canonical-request}] |
      | 4xx    | SignatureDoesNotMatch | Specified signature does not match our calculation.{any}                                                                                |
      | 4xx    | {any}                 | {any}                                                                                                                                   |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: An unknown AccessKeyId is refused (<format>)
    When I send ResetDisk signed with an unknown AccessKeyId in <format>
    Then the answer is one of
      | status | Code                        | Message                                     |
      | 404    | InvalidAccessKeyId.NotFound | Specified access key is not found.          |
      | 400    | InvalidAccessKeyId.NotFound | Specified access key is not found.          |
      | 400    | InvalidAccessKeyId.NotFound | The specified Access Key ID does not exist. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: A timestamp more than 15 minutes old as <form> is refused (<format>)
    When I send ResetDisk with a timestamp from 20 minutes ago as <form> in <format>
    Then the answer is
      | status  | 400                                            |
      | Code    | InvalidTimeStamp.Expired                       |
      | Message | Specified time stamp or date value is expired. |
    And the answer matches its recorded answer

    Examples:
      | form   | format |
      | V1 GET | XML    |
      | V1 GET | JSON   |
      | V3     | XML    |
      | V3     | JSON   |

  Scenario Outline: A malformed timestamp is refused (<format>)
    When I send ResetDisk with the timestamp "yesterday" in <format>
    Then the answer is
      | status  | 400                                                       |
      | Code    | InvalidTimeStamp.Format                                   |
      | Message | Specified time stamp or date value is not well formatted. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: A replayed nonce as <form> is refused (<format>)
    When I send the same ResetDisk twice as <form> in <format>
    Then the answer is one of
      | status | Code               | Message                                     |
      | 400    | SignatureNonceUsed | Specified signature nonce was used already. |
      | 400    | SignatureNonceUsed | The request signature nonce has been used.  |
    And the answer matches its recorded answer

    Examples:
      | form   | format |
      | V1 GET | XML    |
      | V1 GET | JSON   |
      | V3     | XML    |
      | V3     | JSON   |

  @unknown-action
  Scenario Outline: An unknown action is refused (<format>)
    When I call "DeleteEverything" in <format>
    Then the answer is one of
      | status | Code                   | Message                                                        |
      | 404    | InvalidAction.NotFound | Specified api is not found, please check your url and method. |
      | 404    | InvalidApi.NotFound    | Specified api is not found,please check your url and method.  |
      | 403    | InvalidAction          | Specified action is not valid.                                 |
      | 400    | InvalidParameter       | The specified parameter "Action or Version" is not valid.      |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: An unknown API version is refused (<format>)
    When I send ResetDisk with API version "2099-01-01" in <format>
    Then the answer is one of
      | status | Code             | Message                                                   |
      | 400    | InvalidVersion   | Specified parameter Version is not valid.                 |
      | 4xx    | InvalidVersion   | Specified parameter Version is not valid.                 |
      | 400    | InvalidParameter | The specified parameter "Action or Version" is not valid. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |
