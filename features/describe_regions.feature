@describe-regions @action:DescribeRegions
Feature: DescribeRegions
  The regions the account can use: a read-only action, answered from the regions the account's
  resources are in. Its error table is features/DescribeRegions.errors.tsv.

  Scenario: The regions of the account's resources are listed
    Given an instance "i-1" that is Stopped
    When I call "DescribeRegions" in JSON with
      | AcceptLanguage | en-US |
    Then the call succeeds with the fields
      | RequestId |
      | Regions   |
    And the answer matches its recorded answer

  Scenario: The regions carry the same fields and values in XML and in JSON
    Given an instance "i-1" that is Stopped
    When I call "DescribeRegions" in XML and in JSON
    Then both answers carry the same fields and values
      | RequestId |
      | Regions   |

  Scenario Outline: Unauthorized.EmptyRegion for an account without resources (<format>)
    Given an account with no resources
    When I call "DescribeRegions" in <format>
    Then the answer is
      | status  | 403                                                          |
      | Code    | Unauthorized.EmptyRegion                                     |
      | Message | The specified account has no access authority to any region. |

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: InvalidAcceptLanguage.NotFound for a language it does not speak (<format>)
    When I call "DescribeRegions" in <format> with
      | AcceptLanguage | tlh |
    Then the answer is
      | status  | 404                                                                  |
      | Code    | InvalidAcceptLanguage.NotFound                                       |
      | Message | Only Chinese (zh-CN), English (en-US), and Japanese (ja) are allowed. |

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: InvalidResourceType.NotFound for a resource type that does not exist (<format>)
    When I call "DescribeRegions" in <format> with
      | ResourceType | starship |
    Then the answer is
      | status  | 404                                                      |
      | Code    | InvalidResourceType.NotFound                             |
      | Message | The ResourceType provided does not exist in our records. |

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: Invalid.InstanceChargeType for a billing method that does not exist (<format>)
    When I call "DescribeRegions" in <format> with
      | InstanceChargeType | Barter |
    Then the answer is
      | status  | 403                                            |
      | Code    | Invalid.InstanceChargeType                     |
      | Message | The specified instanceChargeType is not valid. |

    Examples:
      | format |
      | XML    |
      | JSON   |
