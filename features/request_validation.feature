@validation
Feature: Request validation
  Requests that are malformed, unsigned, mis-signed, stale or replayed are refused before any
  resource is looked at. None of these scenarios needs a world: they run against any endpoint.

  Scenario Outline: A missing <parameter> is refused (<format>)
    When I send ResetDisk without "<parameter>" in <format>
    Then the answer is
      | status  | 400     |
      | Code    | <code>  |
      | Message | <message> |
    And the answer matches its snapshot

    Examples:
      | parameter  | format | code              | message                                 |
      | DiskId     | XML    | MissingDiskId     | DiskId is mandatory for this action.     |
      | DiskId     | JSON   | MissingDiskId     | DiskId is mandatory for this action.     |
      | SnapshotId | XML    | MissingSnapshotId | SnapshotId is mandatory for this action. |
      | SnapshotId | JSON   | MissingSnapshotId | SnapshotId is mandatory for this action. |

  Scenario Outline: InvalidRegionId.MalFormed for a malformed RegionId (<format>)
    When I reset disk "d-never-existed" to snapshot "s-never-existed" in <format> with RegionId "CN_HANGZHOU"
    Then the answer is
      | status  | 400                                 |
      | Code    | InvalidRegionId.MalFormed           |
      | Message | The specified RegionId is not valid |
    And the answer matches its snapshot

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: A missing common parameter <parameter> is refused (<format>)
    When I send ResetDisk without the common parameter "<parameter>" in <format>
    Then the answer is
      | status  | 400                                    |
      | Code    | Missing<parameter>                     |
      | Message | <parameter> is mandatory for this action. |
    And the answer matches its snapshot

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

  Scenario Outline: A wrong signature is refused with the server's string to sign (<format>)
    When I send ResetDisk signed with a wrong secret in <format>
    Then the answer is
      | status  | 400                                                                                         |
      | Code    | SignatureDoesNotMatch                                                                       |
      | Message | Specified signature is not matched with our calculation. server string to sign is:{string-to-sign} |
    And the answer matches its snapshot

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: An unknown AccessKeyId is refused (<format>)
    When I send ResetDisk signed with an unknown AccessKeyId in <format>
    Then the answer is
      | status  | 404                                |
      | Code    | InvalidAccessKeyId.NotFound        |
      | Message | Specified access key is not found. |
    And the answer matches its snapshot

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: A timestamp more than 15 minutes old is refused (<format>)
    When I send ResetDisk with a timestamp from 20 minutes ago in <format>
    Then the answer is
      | status  | 400                                            |
      | Code    | InvalidTimeStamp.Expired                       |
      | Message | Specified time stamp or date value is expired. |
    And the answer matches its snapshot

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: A malformed timestamp is refused (<format>)
    When I send ResetDisk with the timestamp "yesterday" in <format>
    Then the answer is
      | status  | 400                                                       |
      | Code    | InvalidTimeStamp.Format                                   |
      | Message | Specified time stamp or date value is not well formatted. |
    And the answer matches its snapshot

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: A replayed nonce is refused (<format>)
    When I send the same ResetDisk twice in <format>
    Then the answer is
      | status  | 400                                         |
      | Code    | SignatureNonceUsed                          |
      | Message | Specified signature nonce was used already. |
    And the answer matches its snapshot

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: An unknown action is refused (<format>)
    When I call the action "DeleteEverything" in <format>
    Then the answer is
      | status  | 404                                                           |
      | Code    | InvalidAction.NotFound                                        |
      | Message | Specified api is not found, please check your url and method. |
    And the answer matches its snapshot

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: An unknown API version is refused (<format>)
    When I send ResetDisk with API version "2099-01-01" in <format>
    Then the answer is
      | status  | 400                                       |
      | Code    | InvalidVersion                            |
      | Message | Specified parameter Version is not valid. |
    And the answer matches its snapshot

    Examples:
      | format |
      | XML    |
      | JSON   |
