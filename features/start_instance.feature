@rollback @start
Feature: StartInstance
  StartInstance starts an instance that is Stopped: it is Starting, then Running. An instance in
  any other status is not started again (one still being created is not ready), nor one locked
  for security reasons, expired, or unpaid for; nor one whose disks are missing their system
  disk, in arrears, in an operation of their own, or encrypted with a KMS key ECS cannot use.
  Since 2022 it takes DryRun. Each row of features/StartInstance.errors.tsv in every edition that
  lists it (docs/contract.md, "The rollback actions"; the triggers the mock chose where the
  sources are silent are in docs/choices.md).

  Background:
    Given an instance "i-1" that is Stopped
    And a disk "d-1" that is In_use on instance "i-1"

  # The start is instant here (the states on the way are rollback.feature's). Every scenario that
  # succeeds states how long its transition takes, which only the control API arranges: on existing
  # resources it is not run, for its effect lasts (docs/discover.md).
  @action:StartInstance
  Scenario Outline: A stopped instance is started (<format>)
    Given a start takes 0 ms
    When I start instance "i-1" in <format>
    Then the start succeeds
    And the answer matches its recorded answer
    And instance "i-1" was started

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StartInstance
  Scenario Outline: IncorrectInstanceStatus for an instance that is <status> (<format>)
    Given the instance "i-1" is <status>
    When I start instance "i-1" in <format>
    Then the answer is
      | status  | 403                                                                 |
      | Code    | IncorrectInstanceStatus                                             |
      | Message | The current status of the resource does not support this operation. |
    And the answer matches its recorded answer

    Examples:
      | status   | format |
      | Running  | XML    |
      | Running  | JSON   |
      | Starting | XML    |
      | Starting | JSON   |
      | Stopping | XML    |
      | Stopping | JSON   |

  @action:StartInstance
  Scenario Outline: InstanceNotReady for an instance still being created (<format>)
    Given the instance "i-1" is Pending
    When I start instance "i-1" in <format>
    Then the answer is
      | status  | 403                                          |
      | Code    | InstanceNotReady                             |
      | Message | The specified instance is not ready for use. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StartInstance
  Scenario Outline: InstanceLockedForSecurity for an instance locked for security reasons (<format>)
    Given the instance "i-1" is locked for security
    When I start instance "i-1" in <format>
    Then the answer is
      | status  | 403                                                                                |
      | Code    | InstanceLockedForSecurity                                                          |
      | Message | The specified operation is denied as your instance is locked for security reasons. |
    And the answer matches its recorded answer
    And instance "i-1" was not started

    Examples:
      | format |
      | XML    |
      | JSON   |

  # Until 2023-08-25 the table has an InstanceExpired for each way of paying; since, one, in the
  # postPaid words, answers both (docs/choices.md).
  @action:StartInstance @editions:2019-07-12..2023-08-25
  Scenario Outline: InstanceExpired, in the prePaid words, when the subscription has expired (<format>)
    Given the instance "i-1" is a subscription that expired at "2020-01-01T00:00:00Z"
    When I start instance "i-1" in <format>
    Then the answer is
      | status  | 403                                    |
      | Code    | InstanceExpired                        |
      | Message | The prePaid instance has been expired. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StartInstance @editions:2019-07-12..2023-08-25
  Scenario Outline: InstanceExpired, in the postPaid words, when a pay-as-you-go instance is in arrears (<format>)
    Given the instance "i-1" is locked for financial
    When I start instance "i-1" in <format>
    Then the answer is
      | status  | 403                                                                                     |
      | Code    | InstanceExpired                                                                         |
      | Message | The postPaid instance has been expired. Please ensure your account have enough balance. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StartInstance @editions:2023-08-25..
  Scenario Outline: InstanceExpired when the subscription has expired (<format>)
    Given the instance "i-1" is a subscription that expired at "2020-01-01T00:00:00Z"
    When I start instance "i-1" in <format>
    Then the answer is
      | status  | 403                                                                                    |
      | Code    | InstanceExpired                                                                        |
      | Message | The postPaid instance has been expired.Please ensure your account have enough balance. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StartInstance @editions:2023-08-25..
  Scenario Outline: InstanceExpired when a pay-as-you-go instance is in arrears (<format>)
    Given the instance "i-1" is locked for financial
    When I start instance "i-1" in <format>
    Then the answer is
      | status  | 403                                                                                    |
      | Code    | InstanceExpired                                                                        |
      | Message | The postPaid instance has been expired.Please ensure your account have enough balance. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StartInstance
  Scenario Outline: InsufficientBalance for a pay-as-you-go instance when the account does not have enough balance (<format>)
    Given the account does not have enough balance
    When I start instance "i-1" in <format>
    Then the answer is
      | status  | 403                                        |
      | Code    | InsufficientBalance                        |
      | Message | Your account does not have enough balance. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  # A subscription is paid for (docs/choices.md).
  @action:StartInstance @chosen
  Scenario Outline: A subscription starts when the account does not have enough balance (<format>)
    Given a start takes 0 ms
    And the instance "i-1" is a subscription that expired at "2999-01-01T00:00:00Z"
    And the account does not have enough balance
    When I start instance "i-1" in <format>
    Then the start succeeds
    And instance "i-1" was started

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StartInstance
  Scenario Outline: InvalidInstanceId.NotFound for an instance that does not exist (<format>)
    When I start instance "i-never-existed" in <format>
    Then the answer is
      | status  | 404                                      |
      | Code    | InvalidInstanceId.NotFound               |
      | Message | The specified InstanceId does not exist. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StartInstance @editions:2023-08-25..
  Scenario Outline: InvalidInstance.NotFoundSystemDisk for an instance without a system disk (<format>)
    Given the disk "d-1" is a data disk
    When I start instance "i-1" in <format>
    Then the answer is
      | status  | 400                                               |
      | Code    | InvalidInstance.NotFoundSystemDisk                |
      | Message | The specified instance does not have system disk. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StartInstance
  Scenario Outline: DiskInArrears when a disk of the instance is in arrears (<format>)
    Given the disk "d-1" is locked for financial
    When I start instance "i-1" in <format>
    Then the answer is
      | status  | 403                                                         |
      | Code    | DiskInArrears                                               |
      | Message | The specified operation is denied as your disk has expired. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StartInstance
  Scenario Outline: DiskError while a disk of the instance is being attached (<format>)
    Given a disk "d-2" that is Attaching on instance "i-1"
    When I start instance "i-1" in <format>
    Then the answer is
      | status  | 403                  |
      | Code    | DiskError            |
      | Message | IncorrectDiskStatus. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StartInstance
  Scenario Outline: InvalidParameter.KMSKeyId.KMSUnauthorized when the account has not authorised ECS to use KMS (<format>)
    Given a KMS key "key-1"
    And the disk "d-1" is encrypted with KMS key "key-1"
    And the account has not authorised ECS to use KMS
    When I start instance "i-1" in <format>
    Then the answer is
      | status  | 403                                           |
      | Code    | InvalidParameter.KMSKeyId.KMSUnauthorized     |
      | Message | ECS service have no right to access your KMS. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StartInstance @editions:2023-08-25..
  Scenario Outline: InvalidParameter.KMSKeyId.NotFound when a disk's KMS key does not exist (<format>)
    Given the disk "d-1" is encrypted with KMS key "key-gone"
    When I start instance "i-1" in <format>
    Then the answer is
      | status  | 403                                    |
      | Code    | InvalidParameter.KMSKeyId.NotFound     |
      | Message | The specified KMSKeyId does not exist. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StartInstance @editions:2023-08-25..
  Scenario Outline: InvalidParameter.KMSKeyId.CMKNotEnabled when a disk's KMS key is disabled (<format>)
    Given a KMS key "key-1"
    And the disk "d-1" is encrypted with KMS key "key-1"
    And the KMS key "key-1" is disabled
    When I start instance "i-1" in <format>
    Then the answer is
      | status  | 403                                     |
      | Code    | InvalidParameter.KMSKeyId.CMKNotEnabled |
      | Message | The CMK needs to be enabled.            |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StartInstance @editions:2023-08-25..
  Scenario Outline: InvalidParameter.KMSKeyId.CMKUnauthorized when a disk's KMS key lacks ECS's tag (<format>)
    Given a KMS key "key-1"
    And the disk "d-1" is encrypted with KMS key "key-1"
    And the KMS key "key-1" lacks the tag that lets ECS use it
    When I start instance "i-1" in <format>
    Then the answer is
      | status  | 403                                       |
      | Code    | InvalidParameter.KMSKeyId.CMKUnauthorized |
      | Message | The CMK needs to be added ECS tag.        |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StartInstance
  Scenario Outline: An instance whose encrypted disk's KMS key is in order starts (<format>)
    Given a KMS key "key-1"
    And the disk "d-1" is encrypted with KMS key "key-1"
    When I start instance "i-1" in <format>
    Then the start succeeds
    And instance "i-1" was started

    Examples:
      | format |
      | XML    |
      | JSON   |

  # No healthy world produces the 5xx rows: the control API schedules them as faults. Until
  # 2023-08-25 the 500 InstanceNotReady lacks its final period.
  @action:StartInstance @editions:2023-08-25..
  Scenario Outline: InstanceNotReady with status 500 (<format>)
    Given the next StartInstance fails with InstanceNotReady "The specified instance is not ready for use."
    When I start instance "i-1" in <format>
    Then the answer is
      | status  | 500                                          |
      | Code    | InstanceNotReady                             |
      | Message | The specified instance is not ready for use. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StartInstance @editions:2019-07-12..2023-08-25
  Scenario Outline: InstanceNotReady with status 500, without a final period (<format>)
    Given the next StartInstance fails with InstanceNotReady "The specified instance is not ready for use"
    When I start instance "i-1" in <format>
    Then the answer is
      | status  | 500                                         |
      | Code    | InstanceNotReady                            |
      | Message | The specified instance is not ready for use |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StartInstance
  Scenario Outline: InternalError, "some unknown error" (<format>)
    Given the next StartInstance fails with InternalError "The request processing has failed due to some unknown error."
    When I start instance "i-1" in <format>
    Then the answer is
      | status  | 500                                                          |
      | Code    | InternalError                                                |
      | Message | The request processing has failed due to some unknown error. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  # StartInstance's table lists it since 2023-08-25; it is a common error of every edition too
  # (features/common.errors.tsv), which a fault schedules in any: judged in every edition.
  @action:StartInstance
  Scenario Outline: ServiceUnavailable (<format>)
    Given the next StartInstance fails with ServiceUnavailable "The request has failed due to a temporary failure of the server."
    When I start instance "i-1" in <format>
    Then the answer is
      | status  | 503                                                              |
      | Code    | ServiceUnavailable                                               |
      | Message | The request has failed due to a temporary failure of the server. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StartInstance @editions:2025-03-21..
  Scenario Outline: LimitedOperation.ServiceUnavailable (<format>)
    Given the next StartInstance fails with LimitedOperation.ServiceUnavailable "The service is currently unavailable. Please try again later."
    When I start instance "i-1" in <format>
    Then the answer is
      | status  | 503                                                           |
      | Code    | LimitedOperation.ServiceUnavailable                           |
      | Message | The service is currently unavailable. Please try again later. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StartInstance @editions:2022-04-13..
  Scenario Outline: A dry run that passes every check answers DryRunOperation and starts nothing (<format>)
    When I start instance "i-1" in <format> with DryRun "true"
    Then the answer is
      | status  | 400                                                      |
      | Code    | DryRunOperation                                          |
      | Message | Request validation has been passed with DryRun flag set. |
    And the answer matches its recorded answer
    And instance "i-1" was not started

    Examples:
      | format |
      | XML    |
      | JSON   |

  # Before 2022 DryRun is ignored and the call fails the same check: true of every edition.
  @action:StartInstance
  Scenario Outline: A dry run still runs the checks of the instance's state: IncorrectInstanceStatus (<format>)
    Given the instance "i-1" is Running
    When I start instance "i-1" in <format> with DryRun "true"
    Then the answer is
      | status  | 403                                                                 |
      | Code    | IncorrectInstanceStatus                                             |
      | Message | The current status of the resource does not support this operation. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  # An unknown parameter is ignored (docs/choices.md): DryRun=true starts the instance.
  @action:StartInstance @editions:2019-07-12..2022-04-13
  Scenario Outline: Before 2022 DryRun is not a parameter: the instance is started (<format>)
    Given a start takes 0 ms
    When I start instance "i-1" in <format> with DryRun "true"
    Then the start succeeds
    And instance "i-1" was started

    Examples:
      | format |
      | XML    |
      | JSON   |
