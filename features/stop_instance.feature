@rollback @stop
Feature: StopInstance
  StopInstance stops an instance that is Running: it is Stopping, then Stopped. An instance in
  any other status is not stopped again, nor one locked for security reasons, expired or in
  arrears, one whose disks are in an operation of their own, or one with local disks unless
  ConfirmStop is true. Since 2022 it takes DryRun. Each row of features/StopInstance.errors.tsv
  in every edition that lists it (docs/contract.md, "The rollback actions"; the triggers the mock
  chose where the sources are silent are in docs/choices.md).

  Background:
    Given an instance "i-1" that is Running
    And a disk "d-1" that is In_use on instance "i-1"

  # The stop is instant here (the states on the way are rollback.feature's). Every scenario that
  # succeeds states how long its transition takes, which only the control API arranges: on existing
  # resources it is not run, for its effect lasts (docs/discover.md).
  @action:StopInstance
  Scenario Outline: A running instance is stopped (<format>)
    Given a stop takes 0 ms
    When I stop instance "i-1" in <format>
    Then the stop succeeds
    And the answer matches its recorded answer
    And instance "i-1" was stopped

    Examples:
      | format |
      | XML    |
      | JSON   |

  # The faulty variant that answers success for an instance already Stopped fails here.
  @action:StopInstance
  Scenario Outline: IncorrectInstanceStatus for an instance that is <status> (<format>)
    Given the instance "i-1" is <status>
    When I stop instance "i-1" in <format>
    Then the answer is
      | status  | 403                                                                 |
      | Code    | IncorrectInstanceStatus                                             |
      | Message | The current status of the resource does not support this operation. |
    And the answer matches its recorded answer

    Examples:
      | status   | format |
      | Stopped  | XML    |
      | Stopped  | JSON   |
      | Stopping | XML    |
      | Stopping | JSON   |
      | Starting | XML    |
      | Starting | JSON   |
      | Pending  | XML    |
      | Pending  | JSON   |

  @action:StopInstance
  Scenario Outline: InstanceLockedForSecurity for an instance locked for security reasons (<format>)
    Given the instance "i-1" is locked for security
    When I stop instance "i-1" in <format>
    Then the answer is
      | status  | 403                                                                                |
      | Code    | InstanceLockedForSecurity                                                          |
      | Message | The specified operation is denied as your instance is locked for security reasons. |
    And the answer matches its recorded answer
    And instance "i-1" was not stopped

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StopInstance
  Scenario Outline: InstanceExpiredOrInArrears when the subscription has expired (<format>)
    Given the instance "i-1" is a subscription that expired at "2020-01-01T00:00:00Z"
    When I stop instance "i-1" in <format>
    Then the answer is
      | status  | 403                                                                                                               |
      | Code    | InstanceExpiredOrInArrears                                                                                        |
      | Message | The specified operation is denied as your prepay instance is expired (prepay mode) or in arrears (afterpay mode). |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StopInstance
  Scenario Outline: InstanceExpiredOrInArrears when a pay-as-you-go instance is in arrears (<format>)
    Given the instance "i-1" is locked for financial
    When I stop instance "i-1" in <format>
    Then the answer is
      | status  | 403                                                                                                               |
      | Code    | InstanceExpiredOrInArrears                                                                                        |
      | Message | The specified operation is denied as your prepay instance is expired (prepay mode) or in arrears (afterpay mode). |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StopInstance
  Scenario Outline: InvalidInstanceId.NotFound for an instance that does not exist (<format>)
    When I stop instance "i-never-existed" in <format>
    Then the answer is
      | status  | 404                                      |
      | Code    | InvalidInstanceId.NotFound               |
      | Message | The specified InstanceId does not exist. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StopInstance
  Scenario Outline: InstanceType.ParameterMismatch for an instance with a local disk, without ConfirmStop (<format>)
    Given a disk "d-2" that is In_use on instance "i-1"
    And the disk "d-2" is of category "ephemeral_ssd"
    When I stop instance "i-1" in <format>
    Then the answer is
      | status  | 403                                                                              |
      | Code    | InstanceType.ParameterMismatch                                                   |
      | Message | The input parameter ConfirmStop must be true when an instance have localstorage. |
    And the answer matches its recorded answer
    And instance "i-1" was not stopped

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StopInstance
  Scenario Outline: An instance with a local disk is stopped with ConfirmStop true (<format>)
    Given a stop takes 0 ms
    And a disk "d-2" that is In_use on instance "i-1"
    And the disk "d-2" is of category "ephemeral_ssd"
    When I stop instance "i-1" in <format> with ConfirmStop "true"
    Then the stop succeeds
    And instance "i-1" was stopped

    Examples:
      | format |
      | XML    |
      | JSON   |

  # No instance of the mock is configured for hibernation (docs/choices.md); Hibernate is a
  # parameter since 2023-08-25.
  @action:StopInstance @editions:2023-08-25..
  Scenario Outline: HibernationConfigured.NotEnabled for a stop in hibernation (<format>)
    When I stop instance "i-1" in <format> with Hibernate "true"
    Then the answer is
      | status  | 403                                                        |
      | Code    | HibernationConfigured.NotEnabled                           |
      | Message | The instance hibernation configured option is not enabled. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  # Until 2025-03-21 DiskError is a 403 "IncorrectDiskStatus"; since, a 400 "IncorrectDiskStatus.".
  @action:StopInstance @editions:2019-07-12..2025-03-21
  Scenario Outline: DiskError while a disk of the instance is being attached (<format>)
    Given a disk "d-2" that is Attaching on instance "i-1"
    When I stop instance "i-1" in <format>
    Then the answer is
      | status  | 403                 |
      | Code    | DiskError           |
      | Message | IncorrectDiskStatus |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StopInstance @editions:2025-03-21..
  Scenario Outline: DiskError with status 400 while a disk of the instance is being attached (<format>)
    Given a disk "d-2" that is Attaching on instance "i-1"
    When I stop instance "i-1" in <format>
    Then the answer is
      | status  | 400                  |
      | Code    | DiskError            |
      | Message | IncorrectDiskStatus. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  # No healthy world produces the 5xx rows: the control API schedules them as faults.
  @action:StopInstance
  Scenario Outline: InternalError, "some unknown error" (<format>)
    Given the next StopInstance fails with InternalError "The request processing has failed due to some unknown error."
    When I stop instance "i-1" in <format>
    Then the answer is
      | status  | 500                                                          |
      | Code    | InternalError                                                |
      | Message | The request processing has failed due to some unknown error. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StopInstance @editions:2025-03-21..
  Scenario Outline: LimitedOperation.ServiceUnavailable (<format>)
    Given the next StopInstance fails with LimitedOperation.ServiceUnavailable "The service is currently unavailable. Please try again later."
    When I stop instance "i-1" in <format>
    Then the answer is
      | status  | 503                                                           |
      | Code    | LimitedOperation.ServiceUnavailable                           |
      | Message | The service is currently unavailable. Please try again later. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:StopInstance @editions:2022-04-13..
  Scenario Outline: A dry run that passes every check answers DryRunOperation and stops nothing (<format>)
    When I stop instance "i-1" in <format> with DryRun "true"
    Then the answer is
      | status  | 400                                                      |
      | Code    | DryRunOperation                                          |
      | Message | Request validation has been passed with DryRun flag set. |
    And the answer matches its recorded answer
    And instance "i-1" was not stopped

    Examples:
      | format |
      | XML    |
      | JSON   |

  # Before 2022 DryRun is ignored and the call fails the same check: true of every edition.
  @action:StopInstance
  Scenario Outline: A dry run still runs the checks of the instance's state: IncorrectInstanceStatus (<format>)
    Given the instance "i-1" is Stopped
    When I stop instance "i-1" in <format> with DryRun "true"
    Then the answer is
      | status  | 403                                                                 |
      | Code    | IncorrectInstanceStatus                                             |
      | Message | The current status of the resource does not support this operation. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  # An unknown parameter is ignored (docs/choices.md): DryRun=true stops the instance.
  @action:StopInstance @editions:2019-07-12..2022-04-13
  Scenario Outline: Before 2022 DryRun is not a parameter: the instance is stopped (<format>)
    Given a stop takes 0 ms
    When I stop instance "i-1" in <format> with DryRun "true"
    Then the stop succeeds
    And instance "i-1" was stopped

    Examples:
      | format |
      | XML    |
      | JSON   |
